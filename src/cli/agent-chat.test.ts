import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  freePort,
  runCli,
  type ServeProcess,
  startCli,
  startServe,
} from './test-support/cli-process.js';

let probe: Server;
let probeUrl: string;
let probeHits = 0;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;

beforeAll(async () => {
  probe = createServer((_request, response) => {
    probeHits++;
    response.end('pong from probe');
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/ping`;
});

afterAll(async () => {
  await new Promise((resolve) => probe.close(resolve));
});

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-chat-'));
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
    COLONY_HTTP_APPROVAL: 'always',
    COLONY_HTTP_ALLOW_PRIVATE: 'true',
  });
  server = await startServe(env);
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

function parse<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe('colony agent', { timeout: 90_000 }, () => {
  it('creates, lists, shows, edits and deletes agents', async () => {
    const created = await runCli(
      ['agent', 'create', 'helper', '--tools', 'get_time,http_request', '--description', 'first', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    expect(parse(created.stdout)).toMatchObject({
      name: 'helper',
      version: 1,
      tools: ['get_time', 'http_request'],
    });

    const list = await runCli(['agent', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(parse<{ agents: Array<{ name: string }> }>(list.stdout).agents.map((agent) => agent.name)).toEqual(
      ['helper'],
    );
    const table = await runCli(['agent', 'list'], env);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+MODEL\s+TOOLS/);
    expect(table.stdout).toContain('get_time,http_request');

    const edited = await runCli(
      [
        'agent',
        'edit',
        'helper',
        '--instructions',
        'Be brief.',
        '--capabilities',
        'telling time',
        '--tools',
        '',
      ],
      env,
    );
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('now version 2');
    const shown = await runCli(['agent', 'show', 'helper'], env);
    expect(shown.stdout).toContain('helper (agt_');
    expect(shown.stdout).toContain('capabilities: telling time');
    expect(shown.stdout).toContain('  Be brief.');
    const first = await runCli(['agent', 'show', 'helper', '--version', '1', '--json'], env);
    expect(parse(first.stdout)).toMatchObject({
      version: 1,
      description: 'first',
      tools: ['get_time', 'http_request'],
    });

    const duplicate = await runCli(['agent', 'create', 'helper'], env);
    expect(duplicate.code).toBe(6);
    const invalid = await runCli(['agent', 'create', 'bad name!'], env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^error: .*name/);
    const unknownTool = await runCli(['agent', 'create', 'tooly', '--tools', 'teleport'], env);
    expect(unknownTool.code).toBe(2);

    expect((await runCli(['agent', 'delete', 'helper'], env)).code).toBe(0);
    const gone = await runCli(['agent', 'show', 'helper'], env);
    expect(gone.code).toBe(5);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('colony chat', { timeout: 90_000 }, () => {
  it('streams answers and tool calls from piped stdin', async () => {
    await runCli(['agent', 'create', 'timekeeper', '--tools', 'get_time'], env);
    const result = await runCli(
      ['chat', 'timekeeper'],
      env,
      'hello there\nwhat time is it? /tool get_time {}\n/exit\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^chat chat_\S+ with timekeeper/);
    expect(result.stdout).toContain('you> hello there\n');
    expect(result.stdout).toContain('offline — deterministic, not AI');
    expect(result.stdout).toContain('timekeeper> [offline model] You said: "hello there".');
    expect(result.stdout).toContain('  ⚙ get_time {}');
    expect(result.stdout).toMatch(/ {2}✓ get_time → \{"iso":/);
    expect(result.stdout).toContain('Tool get_time returned');
    expect(result.stdout.trimEnd().endsWith('you> /exit')).toBe(true);
  });

  it('asks for approval inline, approves with y and rejects with a reason', async () => {
    await runCli(['agent', 'create', 'fetcher', '--tools', 'http_request'], env);
    const hitsBefore = probeHits;
    const input = [
      `fetch it /tool http_request {"url":"${probeUrl}"}`,
      'y',
      `again /tool http_request {"url":"${probeUrl}"}`,
      'not today',
      '/exit',
      '',
    ].join('\n');
    const result = await runCli(['chat', 'fetcher'], env, input);
    expect(result.code).toBe(0);
    const transcript = result.stdout;
    expect(transcript).toContain(`  ? http_request wants to run with {"url":"${probeUrl}"}`);
    expect(transcript).toContain('approve? [y/N/reason] y\n  approved');
    expect(transcript).toContain('pong from probe');
    expect(transcript).toContain('approve? [y/N/reason] not today\n  rejected (not today)');
    expect(transcript).toContain('Tool http_request was rejected: not today');
    expect(probeHits - hitsBefore).toBe(1);
    const order = ['fetch it', 'approved', '✓ http_request', 'again', 'rejected (not today)', 'you> /exit'];
    const positions = order.map((text) => transcript.indexOf(text));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('leaves the approval pending when input ends, and `colony run approve` finishes it', async () => {
    await runCli(['agent', 'create', 'fetcher', '--tools', 'http_request'], env);
    const chat = await runCli(['chat', 'fetcher'], env, `fetch /tool http_request {"url":"${probeUrl}"}\n`);
    expect(chat.code).toBe(0);
    const pending = chat.stderr.match(/colony run approve (run_\S+) (\S+)/);
    expect(pending).not.toBeNull();
    const [, runId = '', toolCallId = ''] = pending ?? [];
    const waiting = await runCli(['run', 'get', runId, '--json'], env);
    expect(parse(waiting.stdout)).toMatchObject({ id: runId, status: 'waiting' });
    const approved = await runCli(['run', 'approve', runId, toolCallId], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`approved ${toolCallId}`);
    const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    let status = '';
    for (let attempt = 0; attempt < 200 && status !== 'succeeded'; attempt++) {
      const response = await fetch(`${server?.url}/v1/runs/${runId}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      status = ((await response.json()) as { status: string }).status;
      if (status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('succeeded');
    const human = await runCli(['run', 'get', runId], env);
    expect(human.stdout).toContain(`run ${runId}: succeeded`);
    expect(human.stdout).toMatch(/tool\s+completed\s+http_request/);
    const again = await runCli(['run', 'approve', runId, toolCallId], env);
    expect([6, 2]).toContain(again.code);
    expect((await runCli(['run', 'cancel', 'run_missing'], env)).code).toBe(5);
  });

  it('keeps an approval across a server restart while the chat waits', async () => {
    await runCli(['agent', 'create', 'fetcher', '--tools', 'http_request'], env);
    const chat = startCli(['chat', 'fetcher'], env);
    try {
      chat.write(`fetch /tool http_request {"url":"${probeUrl}"}\n`);
      await chat.waitFor(/wants to run with/);
      expect(await server?.stop()).toBe(0);
      server = await startServe(env);
      chat.write('y\n');
      await chat.waitFor(/Tool http_request returned/);
      chat.write('/exit\n');
      expect(await chat.exited).toBe(0);
      expect(chat.stdout()).toContain('pong from probe');
      expect(chat.stdout().match(/✓ http_request/g)).toHaveLength(1);
    } finally {
      if (chat.child.exitCode === null) chat.child.kill();
    }
  });

  it('prints every event as a JSON line with --json', async () => {
    await runCli(['agent', 'create', 'timekeeper', '--tools', 'get_time'], env);
    const result = await runCli(['chat', 'timekeeper', '--json'], env, 'now /tool get_time {}\n');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string | null; event: string });
    expect(events[0]?.event).toBe('run-queued');
    expect(events.at(-1)?.event).toBe('run-succeeded');
    expect(events.some((event) => event.event === 'run-text-delta' && event.id === null)).toBe(true);
  });
});
