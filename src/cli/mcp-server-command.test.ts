import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureServerPath } from '../mcp/test-support/fixture.js';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-mcp-'));
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
    COLONY_MCP_STDIO_COMMANDS: process.execPath,
  });
  server = await startServe(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('colony mcp-server', { timeout: 90_000 }, () => {
  it('adds a stdio and an HTTP server, lists them, and removes one', async () => {
    const stdio = await runCli(
      [
        'mcp-server',
        'add',
        'fixture',
        '--command',
        process.execPath,
        '--arg',
        fixtureServerPath,
        '--env',
        'MCP_FIXTURE_CALLS=/dev/null',
      ],
      env,
    );
    expect(stdio.code).toBe(0);
    expect(stdio.stdout).toContain('added MCP server fixture');
    const http = await runCli(
      [
        'mcp-server',
        'add',
        'docs',
        '--http-url',
        'http://127.0.0.1:9/mcp',
        '--header',
        'X-Team: core',
        '--json',
      ],
      env,
    );
    expect(http.code).toBe(0);
    expect(JSON.parse(http.stdout)).toMatchObject({
      name: 'docs',
      transport: { headers: { 'X-Team': '[redacted]' } },
    });

    const listed = await runCli(['mcp-server', 'list'], env);
    expect(listed.stdout).toMatch(/^NAME\s+TRANSPORT\s+TARGET\s+SOURCE\s+ID/);
    expect(listed.stdout).toContain(`fixture  stdio`);
    expect(listed.stdout).toContain('http://127.0.0.1:9/mcp');

    const agent = await runCli(['agent', 'create', 'helper', '--tools', 'mcp:fixture/*'], env);
    expect(agent.code).toBe(0);

    expect((await runCli(['mcp-server', 'remove', 'docs'], env)).code).toBe(0);
    const after = JSON.parse((await runCli(['mcp-server', 'list', '--json'], env)).stdout) as {
      mcpServers: Array<{ name: string }>;
    };
    expect(after.mcpServers.map((each) => each.name)).toEqual(['fixture']);
  });

  it('refuses both or neither of --command and --http-url', async () => {
    const neither = await runCli(['mcp-server', 'add', 'empty'], env);
    expect(neither.code).not.toBe(0);
    expect(neither.stderr).toContain('give either --command (stdio) or --http-url');
  });
});
