import { describe, expect, it } from 'vitest';
import { fixtureServerPath } from '../mcp/test-support/fixture.js';
import { runCli, serveForTests } from './test-support/cli-process.js';

const served = serveForTests('mcp', { COLONY_MCP_STDIO_COMMANDS: process.execPath });

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
      served.env,
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
      served.env,
    );
    expect(http.code).toBe(0);
    expect(JSON.parse(http.stdout)).toMatchObject({
      name: 'docs',
      transport: { headers: { 'X-Team': '[redacted]' } },
    });

    const listed = await runCli(['mcp-server', 'list'], served.env);
    expect(listed.stdout).toMatch(/^NAME\s+TRANSPORT\s+TARGET\s+SOURCE\s+ID/);
    expect(listed.stdout).toContain(`fixture  stdio`);
    expect(listed.stdout).toContain('http://127.0.0.1:9/mcp');

    const agent = await runCli(['agent', 'create', 'helper', '--tools', 'mcp:fixture/*'], served.env);
    expect(agent.code).toBe(0);

    expect((await runCli(['mcp-server', 'remove', 'docs'], served.env)).code).toBe(0);
    const after = JSON.parse((await runCli(['mcp-server', 'list', '--json'], served.env)).stdout) as {
      mcpServers: Array<{ name: string }>;
    };
    expect(after.mcpServers.map((each) => each.name)).toEqual(['fixture']);
  });

  it('refuses both or neither of --command and --http-url', async () => {
    const neither = await runCli(['mcp-server', 'add', 'empty'], served.env);
    expect(neither.code).not.toBe(0);
    expect(neither.stderr).toContain('give either --command (stdio) or --http-url');
  });
});
