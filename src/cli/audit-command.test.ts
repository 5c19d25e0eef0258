import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeOption } from './commands/audit.js';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-audit-'));
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
  });
  server = await startServe(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('colony audit', { timeout: 90_000 }, () => {
  it('shows who changed what, filtered, in text and JSON', async () => {
    expect((await runCli(['agent', 'create', 'audited-agent'], env)).code).toBe(0);
    const json = await runCli(['audit', '--action', 'agent.*', '--since', '1h', '--json'], env);
    expect(json.code).toBe(0);
    const { entries } = JSON.parse(json.stdout) as {
      entries: Array<{ action: string; resourceType: string; actor: { kind: string } }>;
    };
    expect(entries.map((entry) => entry.action)).toContain('agent.create');
    expect(entries.every((entry) => entry.action.startsWith('agent.'))).toBe(true);

    const table = await runCli(['audit', '--resource-type', 'agent', '--all', '--limit', '1'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME\s+ACTOR\s+ACTION\s+RESOURCE/);
    expect(table.stdout).toContain('agent.create');

    const none = await runCli(['audit', '--action', 'mission.create'], env);
    expect(none.stdout).toContain('no audit entries match');

    const bad = await runCli(['audit', '--since', 'last tuesday'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--since must be an ISO date');
  });
});

describe('timeOption', () => {
  const now = () => Date.UTC(2026, 11, 3, 12);
  it('reads durations back from now and ISO dates', () => {
    const since = timeOption('--since', now);
    expect(since('30m')).toBe(now() - 30 * 60_000);
    expect(since('7d')).toBe(now() - 7 * 86_400_000);
    expect(since('2026-12-01T09:30Z')).toBe(Date.UTC(2026, 11, 1, 9, 30));
    expect(() => since('soon')).toThrow('--since must be an ISO date');
  });
});
