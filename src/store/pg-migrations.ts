// Numbered schema migrations of the PostgreSQL archive; schema_migrations holds the numbers applied.
// The tables mirror the SQLite archive's (migrations.ts), so one archive copies into the other
// column for column: times are UTC instants in milliseconds (BIGINT), lists are JSON text. Keys
// that lists are ordered by use the "C" collation, so PostgreSQL sorts them byte-wise as SQLite
// does. Append new migrations; never edit an applied one.

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  -- The revision counter: its row is locked by every batch that saves articles (see PgStore.saveCollected).
  INSERT INTO meta (key, value) VALUES ('revision', '0');

  CREATE TABLE articles (
    id TEXT COLLATE "C" PRIMARY KEY,
    slug TEXT COLLATE "C" NOT NULL UNIQUE,
    source TEXT NOT NULL,
    path TEXT,
    link TEXT,
    title TEXT NOT NULL,
    published BIGINT NOT NULL,
    date_guessed INTEGER NOT NULL DEFAULT 0,
    updated BIGINT,
    author TEXT,
    categories TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    simplified_text TEXT,
    summary TEXT NOT NULL,
    length INTEGER NOT NULL,
    images TEXT NOT NULL,
    lead_image TEXT,
    meta TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    duplicate_of TEXT COLLATE "C" REFERENCES articles(id),
    first_seen BIGINT NOT NULL,
    last_changed BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    first_revision BIGINT NOT NULL
  );
  CREATE INDEX articles_published ON articles(published DESC, id) WHERE duplicate_of IS NULL;
  CREATE INDEX articles_revision ON articles(revision);
  CREATE INDEX articles_body_hash ON articles(body_hash);
  CREATE INDEX articles_link ON articles(link) WHERE link IS NOT NULL;
  CREATE INDEX articles_first_seen ON articles(first_seen);
  CREATE INDEX articles_unsent ON articles(first_revision, id) WHERE duplicate_of IS NULL;

  CREATE TABLE files (
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    mtime_ms DOUBLE PRECISION NOT NULL,
    content_hash TEXT NOT NULL,
    article_id TEXT,
    problem TEXT,
    deleted_at BIGINT,
    PRIMARY KEY (source, path)
  );

  CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_success BIGINT,
    error_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_check BIGINT
  );

  -- Who holds a job lock, for messages; the lock itself is a session advisory lock (see PgStore.tryLock).
  CREATE TABLE locks (
    kind TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    backend_pid INTEGER NOT NULL
  );

  CREATE TABLE digests (
    id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('regular', 'window', 'preview')),
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent')),
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    through_revision BIGINT NOT NULL,
    content TEXT NOT NULL
  );

  CREATE TABLE digest_articles (
    digest_id TEXT COLLATE "C" NOT NULL REFERENCES digests(id),
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    PRIMARY KEY (digest_id, article_id)
  );
  CREATE INDEX digest_articles_article ON digest_articles(article_id);

  CREATE TABLE deliveries (
    digest_id TEXT COLLATE "C" NOT NULL REFERENCES digests(id),
    recipient TEXT COLLATE "C" NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'deferred', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at BIGINT NOT NULL,
    themes TEXT,
    PRIMARY KEY (digest_id, recipient)
  );
  CREATE INDEX deliveries_open ON deliveries(status) WHERE status IN ('pending', 'sending', 'deferred');

  CREATE TABLE unsubscribes (
    recipient TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    via TEXT NOT NULL
  );

  CREATE TABLE subscribers (
    address TEXT COLLATE "C" PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'paused', 'unsubscribed')),
    themes TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('form', 'operator', 'import', 'config')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    confirmation_sent_at BIGINT,
    suppressed_at BIGINT,
    suppressed_reason TEXT,
    soft_bounces INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX subscribers_state ON subscribers(state);
  `,
];
