import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite.js';
import { runCli } from './support/cli.js';

// `zhoukan subscribers`, spawned as an operator runs it, over the archive of a temporary folder.

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'zhoukan-subscribers-'));
}

const cli = (cwd: string, args: string[]) => runCli(['subscribers', ...args, '--data', join(cwd, 'data')], { cwd });

describe('zhoukan subscribers', () => {
  it('has --help, and refuses unknown subcommands and misplaced options with exit 2', async () => {
    const cwd = await tempDir();
    const help = await cli(cwd, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/import FILE\.csv/);
    expect(help.stdout).toMatch(/address,themes,state,created,confirmed/);
    expect((await cli(cwd, ['frobnicate'])).code).toBe(2);
    expect((await cli(cwd, [])).code).toBe(2);
    expect((await cli(cwd, ['list', '--themes', '宏观经济'])).code).toBe(2);
    expect((await runCli(['digest', '--themes', '宏观经济'], { cwd })).code).toBe(2);
    const bad = await cli(cwd, ['add', 'a@example.org,b@example.org']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an address that can subscribe/);
    const unknownTheme = await cli(cwd, ['add', 'a@example.org', '--themes', '没有这个主题']);
    expect(unknownTheme.code).toBe(2);
    expect(unknownTheme.stderr).toMatch(/unknown theme "没有这个主题"/);
  });

  it('adds (active at once, with --themes), lists, exports, removes and imports back what it exported', async () => {
    const cwd = await tempDir();
    const added = await cli(cwd, ['add', 'A@Example.org', 'b@example.org', '--themes', '宏观经济;房地产']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/added 2, updated 0/);

    // A suppressed address is listed with its reason.
    const store = SqliteStore.open(join(cwd, 'data', 'zhoukan.db'));
    await store.subscribers.suppress('b@example.org', '550 5.1.1 user unknown', new Date('2026-03-01T00:00:00Z'));
    await store.close();

    const listed = await cli(cwd, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^a@example\.org\s+active\s+宏观经济\|房地产\s+operator/m);
    expect(listed.stdout).toMatch(/^b@example\.org\s+active, suppressed\s+.*2026-03-01 550 5\.1\.1 user unknown$/m);
    expect(listed.stdout).toMatch(/2 subscribers: 2 active, 0 paused, 0 pending, 0 unsubscribed; 1 suppressed/);

    const exported = await cli(cwd, ['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\r\n')[0]).toBe('address,themes,state,created,confirmed');
    expect(exported.stdout).toMatch(/^a@example\.org,宏观经济\|房地产,active,\d{4}-\d\d-\d\dT/m);

    const removed = await cli(cwd, ['remove', 'a@example.org', 'nobody@example.org']);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toMatch(/nobody@example\.org is not a subscriber/);
    expect((await cli(cwd, ['remove', 'nobody@example.org'])).code).toBe(1);

    const file = join(cwd, 'export.csv');
    await writeFile(file, exported.stdout);
    const imported = await cli(cwd, ['import', file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 2 subscribers .* \(1 added, 1 updated\), 0 bad rows skipped/);
    expect((await cli(cwd, ['export'])).stdout).toBe(exported.stdout);
  });

  it('imports the good rows of a file with bad ones, naming each by line; exit 1 when nothing could be imported', async () => {
    const cwd = await tempDir();
    const file = join(cwd, 'list.csv');
    await writeFile(file, 'address,themes,state\nok@example.org,"宏观经济|房地产",paused\nnot-an-address,,\nx@example.org,,zombie\n');
    const imported = await cli(cwd, ['import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 1 subscribers .*2 bad rows skipped/);
    expect(imported.stderr).toContain(`${file}:3: address "not-an-address"`);
    expect(imported.stderr).toContain(`${file}:4: state "zombie"`);
    expect((await cli(cwd, ['list'])).stdout).toMatch(/^ok@example\.org\s+paused\s+宏观经济\|房地产\s+import/m);

    const hopeless = join(cwd, 'bad.csv');
    await writeFile(hopeless, 'address\nnope\n');
    expect((await cli(cwd, ['import', hopeless])).code).toBe(1);
    const missing = await cli(cwd, ['import', join(cwd, 'missing.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the subscribers file .*missing\.csv/);
  });
});
