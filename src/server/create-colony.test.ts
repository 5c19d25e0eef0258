import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createSilentLogger } from '../observability/index.js';
import { createPostgresDatabase, testDialects } from '../storage/test-support/databases.js';
import { type Colony, createColony } from './create-colony.js';

const configFile = `
traceSqlMs: 0
models:
  defaultModel: compatible:llama3.1
  compatible:
    baseUrl: http://127.0.0.1:11434/v1
tools:
  http:
    approval: always
memory:
  consolidateCron: "off"
`;

describe.each(testDialects)('createColony on %s', (dialect) => {
  let colony: Colony | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await colony?.close();
    await cleanup?.();
    colony = undefined;
  });

  it('hands each capability its slice of colony.config.yaml; nothing comes from the environment', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-create-'));
    writeFileSync(join(directory, 'colony.config.yaml'), configFile);
    const postgres = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
    cleanup = async () => {
      await postgres?.drop();
      rmSync(directory, { recursive: true, force: true });
    };
    const config = loadConfig({
      env: {},
      cwd: directory,
      flags: { dataDir: directory, ...(postgres ? { databaseUrl: postgres.url } : {}) },
    });
    const traced: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      traced.push(String(chunk));
      return true;
    });
    colony = await createColony({ config, logger: createSilentLogger(), workers: false });
    const { tools, models } = colony.services;
    expect(tools.get('http_request')?.requiresApproval({ url: 'https://example.com/' })).toBe(true);
    expect(models.defaultModelSpec()).toBe('compatible:llama3.1');
    expect(models.providers().find((provider) => provider.name === 'compatible')?.configured).toBe(true);
    // traceSqlMs is the SQLite dialect's statement trace (0 ms: every statement).
    if (dialect === 'sqlite') expect(traced.some((line) => line.startsWith('[sql '))).toBe(true);
  });
});
