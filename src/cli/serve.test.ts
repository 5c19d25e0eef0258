import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-serve-'));
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
  });
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('colony serve', { timeout: 90_000 }, () => {
  it('prints the banner with the key once, the key works, and SIGTERM exits 0', async () => {
    server = await startServe(env);
    const banner = server.stdout();
    const key = banner.match(/admin key: (\S+)/)?.[1] ?? '';
    expect(key.length).toBeGreaterThan(32);
    expect(banner).toContain(`url:       ${server.url}`);
    expect(banner).toContain(`data dir:  ${dataDir}`);
    expect(banner).toContain(`database:  sqlite ${join(dataDir, 'colony.db')}`);
    expect(banner).toMatch(
      /model: +offline \(no provider configured — deterministic, not AI; set OPENAI_API_KEY/,
    );
    expect(readFileSync(join(dataDir, 'admin-key'), 'utf8').trim()).toBe(key);
    expect(statSync(join(dataDir, 'admin-key')).mode & 0o777).toBe(0o600);

    const response = await fetch(`${server.url}/v1/agents`, { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ agents: [], nextCursor: null });
    expect((await fetch(`${server.url}/v1/agents`)).status).toBe(401);

    expect(await server.stop()).toBe(0);
    server = await startServe(env);
    expect(server.stdout()).not.toContain(key);
    expect(server.stdout()).toContain(`admin key: in ${join(dataDir, 'admin-key')}`);
  });

  it('prints the banner as JSON with --json and logs JSON when not a terminal', async () => {
    server = await startServe({ ...env, COLONY_LOG_LEVEL: 'info' }, ['--json', '--no-workers']);
    await server.waitFor(/"msg":"colony serving/);
    const banner = JSON.parse(server.stdout().slice(0, server.stdout().indexOf('\n}') + 2)) as Record<
      string,
      unknown
    >;
    expect(banner).toMatchObject({ url: server.url, dataDir, workers: 0, model: { offline: true } });
    expect((banner.adminKey as { created: string }).created.length).toBeGreaterThan(32);
    const logLine =
      server
        .stdout()
        .split('\n')
        .find((line) => line.includes('colony serving')) ?? '';
    expect(JSON.parse(logLine)).toMatchObject({ level: 30, msg: expect.stringContaining('offline') });
  });
});

describe('operator commands', { timeout: 90_000 }, () => {
  it('migrates a fresh database and reports the status', async () => {
    const status = await runCli(['migrate', '--status', '--json'], env);
    expect(status.code).toBe(0);
    const before = JSON.parse(status.stdout) as { current: number; latest: number; pending: unknown[] };
    expect(before.current).toBe(0);
    expect(before.pending.length).toBe(before.latest);
    const migrated = await runCli(['migrate'], env);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain(`from version 0 to ${before.latest}`);
    const again = await runCli(['migrate', '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ from: before.latest, to: before.latest, applied: [] });
  });

  it('creates, lists and revokes keys directly in the database', async () => {
    server = await startServe(env);
    const created = await runCli(['keys', 'create', '--name', 'ci', '--role', 'admin', '--json'], env);
    expect(created.code).toBe(0);
    const { key, apiKey } = JSON.parse(created.stdout) as {
      key: string;
      apiKey: { id: string; prefix: string };
    };
    const authorized = { headers: { Authorization: `Bearer ${key}` } };
    expect((await fetch(`${server.url}/v1/agents`, authorized)).status).toBe(200);

    const human = await runCli(['keys', 'create', '--name', 'reader', '--role', 'viewer'], env);
    expect(human.stdout).toMatch(/key: ck_\S+/);
    expect(human.stdout).toContain('not shown again');

    const list = await runCli(['keys', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+PREFIX\s+NAME\s+ROLE/);
    expect(list.stdout).toContain(apiKey.prefix);
    expect(list.stdout).not.toContain(key);

    const revoked = await runCli(['keys', 'revoke', apiKey.prefix], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${apiKey.id}`);
    expect((await fetch(`${server.url}/v1/agents`, authorized)).status).toBe(401);

    const missing = await runCli(['keys', 'revoke', 'nope'], env);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toBe('error: api key nope not found\n');
    const badRole = await runCli(['keys', 'create', '--name', 'x', '--role', 'king'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('role');
  });

  it('says when no org exists yet', async () => {
    const result = await runCli(['keys', 'list'], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('start `colony serve` once');
  });
});

describe('errors and exit codes', { timeout: 90_000 }, () => {
  it('exits 7 with a hint when the server is not reachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['agent', 'list', '--url', url, '--key', 'k'], env);
    expect(result.code).toBe(7);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`is \`colony serve\` running at ${url}?`);
    const json = await runCli(['agent', 'list', '--json'], env);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('exits 3 without a key and 2 on usage errors', async () => {
    server = await startServe(env);
    const noKey = await runCli(
      ['agent', 'list', '--key', 'ck_wrong_key_value_that_is_long_enough_0000'],
      env,
    );
    expect(noKey.code).toBe(3);
    const usage = await runCli(['agent', 'frobnicate'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown command 'frobnicate'");
    const missingArgument = await runCli(['run', 'approve', 'run_1'], env);
    expect(missingArgument.code).toBe(2);
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: colony');
    expect(existsSync(join(dataDir, 'admin-key'))).toBe(true);
  });
});
