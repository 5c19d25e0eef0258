import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  freePort,
  runCli,
  type ServeProcess,
  startServe,
} from '../cli/test-support/cli-process.js';
import type { MissionBoard } from './mission-types.js';

describe('colony mission (real processes, offline)', { timeout: 90_000 }, () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: ServeProcess;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-mission-'));
    env = cleanEnv({
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_LOG_LEVEL: 'warn',
    });
    server = await startServe(env);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a newcomer’s mission live, then shows and stops missions', async () => {
    const run = await runCli(['mission', 'run', 'research X; compare with Y; write a summary'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('no agents yet: created researcher, analyst, writer');
    expect(run.stdout).toContain('planned 3 task(s) (offline; plan 1):');
    expect(run.stdout).toContain('t3  Write a summary → writer after t1, t2');
    expect(run.stdout).toMatch(/▶ t1 started \(attempt 1, researcher\)/);
    expect(run.stdout).toContain('✓ t3 done  [####################] 3/3');
    expect(run.stdout).toContain('# Mission report');
    const id = /mission (msn_\S+): succeeded/.exec(run.stdout)?.[1] ?? '';

    const shown = await runCli(['mission', 'show', id, '--json'], env);
    expect(shown.code).toBe(0);
    const board = JSON.parse(shown.stdout) as MissionBoard;
    expect(board.state).toBe('succeeded');
    expect(board.tasks.map((task) => task.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const stopped = await runCli(['mission', 'stop', id], env);
    expect(stopped.stdout).toContain(`mission ${id}: succeeded`);
    const missing = await runCli(['mission', 'show', 'msn_nope'], env);
    expect(missing.code).toBe(5);
  });
});
