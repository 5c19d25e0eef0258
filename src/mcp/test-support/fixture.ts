import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SDK-written MCP server of the tests (stdio), and a file that counts its `count` calls. */
export const fixtureServerPath = fileURLToPath(new URL('./fixture-server.mjs', import.meta.url));

export function fixtureCallsFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'colony-mcp-')), 'calls.txt');
}

/** The labels the fixture's `count` tool was called with, in order. */
export function fixtureCalls(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The body that registers the fixture as a stdio server. */
export function stdioFixture(name: string, env: Record<string, string> = {}) {
  return {
    name,
    transport: { type: 'stdio', command: process.execPath, args: [fixtureServerPath], env },
  };
}
