// Numbered schema migrations; PRAGMA user_version holds the number of the last one applied.
// Times are UTC instants in milliseconds. Append new migrations; never edit an applied one.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    path TEXT,
    link TEXT,
    title TEXT NOT NULL,
    published INTEGER NOT NULL,
    date_guessed INTEGER NOT NULL DEFAULT 0,
    updated INTEGER,
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
    -- hash of everything published about the article: a change means a new revision
    content_hash TEXT NOT NULL,
    -- hash of the normalized body text: the same story under another title or date
    body_hash TEXT NOT NULL,
    duplicate_of TEXT REFERENCES articles(id),
    first_seen INTEGER NOT NULL,
    last_changed INTEGER NOT NULL,
    -- global change counter at the last change, so outputs can be rebuilt for what changed
    revision INTEGER NOT NULL,
    -- the counter when first archived: digests take what arrived after the previous one
    first_revision INTEGER NOT NULL
  );
  CREATE INDEX articles_published ON articles(published DESC) WHERE duplicate_of IS NULL;
  CREATE INDEX articles_revision ON articles(revision);
  CREATE INDEX articles_body_hash ON articles(body_hash);
  CREATE INDEX articles_link ON articles(link) WHERE link IS NOT NULL;
  CREATE INDEX articles_first_seen ON articles(first_seen);
  CREATE INDEX articles_first_revision ON articles(first_revision);

  -- Files of folder sources, so an unchanged folder costs a stat per file and nothing more.
  CREATE TABLE files (
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    article_id TEXT,
    problem TEXT,
    deleted_at INTEGER,
    PRIMARY KEY (source, path)
  ) WITHOUT ROWID;

  CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_success INTEGER,
    error_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_check INTEGER
  );

  CREATE TABLE locks (
    kind TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    acquired_at INTEGER NOT NULL
  );
  `,
  `
  -- Digests and their deliveries. A digest is 'sending' until one recipient accepted it, then 'sent';
  -- 'regular' digests take what arrived since the previous regular one, 'window' ones (--week,
  -- --since, --until) what was published in a window; 'preview' ones (--to) hold nothing.
  CREATE TABLE digests (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('regular', 'window', 'preview')),
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent')),
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    -- the archive's revision when the articles were chosen
    through_revision INTEGER NOT NULL,
    -- the Digest as rendered, so a retry sends exactly the same message
    content TEXT NOT NULL
  );

  CREATE TABLE digest_articles (
    digest_id TEXT NOT NULL REFERENCES digests(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (digest_id, article_id)
  ) WITHOUT ROWID;
  CREATE INDEX digest_articles_article ON digest_articles(article_id);

  -- One row per digest and recipient, written before the message is handed to SMTP and after.
  CREATE TABLE deliveries (
    digest_id TEXT NOT NULL REFERENCES digests(id),
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'deferred', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (digest_id, recipient)
  ) WITHOUT ROWID;

  CREATE TABLE unsubscribes (
    recipient TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    via TEXT NOT NULL
  );
  `,
  `
  -- Articles no digest has held are counted and chosen by first_revision without reading their rows.
  CREATE INDEX articles_unsent ON articles(first_revision, id) WHERE duplicate_of IS NULL;
  `,
  `
  -- The digest's readers (see SubscriberStore), and what each delivery of a personal digest holds.
  CREATE TABLE subscribers (
    address TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'paused', 'unsubscribed')),
    -- a JSON array of theme names; NULL for all themes
    themes TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('form', 'operator', 'import', 'config')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    confirmation_sent_at INTEGER,
    suppressed_at INTEGER,
    suppressed_reason TEXT,
    soft_bounces INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX subscribers_state ON subscribers(state);

  ALTER TABLE deliveries ADD COLUMN themes TEXT;
  `,
];
