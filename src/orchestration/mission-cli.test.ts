import { describe, expect, it } from 'vitest';
import { runCli, serveForTests } from '../cli/test-support/cli-process.js';
import type { MissionBoard } from './mission-types.js';

describe('colony mission (real processes, offline)', { timeout: 90_000 }, () => {
  const served = serveForTests('mission');

  it('runs a newcomer’s mission live, then shows and stops missions', async () => {
    const run = await runCli(['mission', 'run', 'research X; compare with Y; write a summary'], served.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('no agents yet: created researcher, analyst, writer');
    expect(run.stdout).toContain('planned 3 task(s) (offline; plan 1):');
    expect(run.stdout).toContain('t3  Write a summary → writer after t1, t2');
    expect(run.stdout).toMatch(/▶ t1 started \(attempt 1, researcher\)/);
    expect(run.stdout).toContain('✓ t3 done  [####################] 3/3');
    expect(run.stdout).toContain('# Mission report');
    const id = /mission (msn_\S+): succeeded/.exec(run.stdout)?.[1] ?? '';

    const shown = await runCli(['mission', 'show', id, '--json'], served.env);
    expect(shown.code).toBe(0);
    const board = JSON.parse(shown.stdout) as MissionBoard;
    expect(board.state).toBe('succeeded');
    expect(board.tasks.map((task) => task.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const stopped = await runCli(['mission', 'stop', id], served.env);
    expect(stopped.stdout).toContain(`mission ${id}: succeeded`);
    const missing = await runCli(['mission', 'show', 'msn_nope'], served.env);
    expect(missing.code).toBe(5);
  });
});
