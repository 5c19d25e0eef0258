import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'colony-config-'));

  it('has the documented defaults', () => {
    const config = loadConfig({ env: {}, cwd });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(7700);
    expect(config.dataDir).toBe(join(cwd, '.colony'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('layers file < environment < flags', () => {
    const directory = mkdtempSync(join(tmpdir(), 'colony-config-'));
    writeFileSync(join(directory, 'colony.config.yaml'), 'port: 8100\nhost: 0.0.0.0\nworkers: 2\n');
    const config = loadConfig({ env: { COLONY_PORT: '8200' }, flags: { workers: 7 }, cwd: directory });
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8200);
    expect(config.workers).toBe(7);
  });

  it('names the bad setting', () => {
    expect(() => loadConfig({ env: { COLONY_PORT: 'abc' }, cwd })).toThrow(/config\.port/);
    expect(() => loadConfig({ env: { COLONY_ADMIN_KEY: 'short' }, cwd })).toThrow(/config\.adminKey/);
  });
});
