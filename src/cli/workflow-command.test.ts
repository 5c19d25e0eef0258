import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

const examples = fileURLToPath(new URL('../../examples/workflows/', import.meta.url));
let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-workflow-'));
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

describe('colony workflow', { timeout: 90_000 }, () => {
  it('applies an example, runs it with progress, shows it, and approves a waiting run', async () => {
    const applied = await runCli(['workflow', 'apply', join(examples, 'order-triage.yaml')], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('workflow order-triage version 1');

    const run = await runCli(
      ['workflow', 'run', 'order-triage', '--input-file', join(examples, 'order-triage.input.json')],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('(retrying)');
    expect(run.stderr).toContain('✓ lane');
    expect(run.stderr).toContain('run succeeded');
    expect(run.stdout).toMatch(/fraud-check\s+set\s+completed\s+3/);
    const runId = /run (wfr_\w+)/.exec(run.stdout)?.[1] ?? '';

    const shown = await runCli(['workflow', 'show', runId, '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'succeeded', output: { lane: 'review' } });

    await runCli(['workflow', 'apply', join(examples, 'release-train.yaml')], env);
    const started = await runCli(
      [
        'workflow',
        'run',
        'release-train',
        '--input-file',
        join(examples, 'release-train.input.json'),
        '--no-follow',
        '--json',
      ],
      env,
    );
    const waitingId = (JSON.parse(started.stdout) as { id: string }).id;
    for (let tries = 0; tries < 100; tries++) {
      const state = JSON.parse((await runCli(['workflow', 'show', waitingId, '--json'], env)).stdout) as {
        status: string;
      };
      if (state.status === 'waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const approved = await runCli(
      ['workflow', 'approve', waitingId, 'sign-off', '--comment', 'ship it'],
      env,
    );
    expect(approved.stdout).toContain('sign-off: approved');
    const logs = await runCli(['workflow', 'logs', waitingId], env);
    expect(logs.stderr).toContain('approved by');
    expect(logs.stdout).toContain('succeeded');
  });
});
