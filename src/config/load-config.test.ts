import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ColonyError, isColonyError } from '../errors/index.js';
import { loadConfig } from './load-config.js';

function directoryWith(name: string, text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'colony-config-'));
  writeFileSync(join(directory, name), text);
  return directory;
}

function errorOf(load: () => unknown): ColonyError {
  try {
    load();
  } catch (error) {
    if (isColonyError(error)) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'colony-config-'));

  it('has the documented defaults', () => {
    const config = loadConfig({ env: {}, cwd });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(7700);
    expect(config.dataDir).toBe(join(cwd, '.colony'));
    expect(config.memory).toMatchObject({ windowMessages: 40, keepRecent: 20, consolidateCron: '0 * * * *' });
    expect(config.models.openai).toBeUndefined();
    expect(config.tools.http).toMatchObject({ allow: [], allowPrivate: false, approval: 'mutating' });
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({ env: { COLONY_HTTP_ALLOW: 'example.com' }, cwd });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.memory)).toBe(true);
    expect(Object.isFrozen(config.models.prices)).toBe(true);
    expect(Object.isFrozen(config.tools.http)).toBe(true);
    expect(() => (config.tools.http.allow as string[]).push('evil.example')).toThrow(TypeError);
    expect(() => {
      (config.memory as { windowMessages: number }).windowMessages = 2;
    }).toThrow(TypeError);
  });

  it('layers file < environment < flags, merging nested groups key by key', () => {
    const directory = directoryWith(
      'colony.config.yaml',
      'port: 8100\nhost: 0.0.0.0\nworkers: 2\nmemory:\n  windowMessages: 30\n  contextTokens: 900\n',
    );
    const config = loadConfig({
      env: { COLONY_PORT: '8200', COLONY_MEMORY_KEEP_RECENT: '5' },
      flags: { workers: 7, memory: { contextTokens: 700 } },
      cwd: directory,
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8200);
    expect(config.workers).toBe(7);
    expect(config.memory).toMatchObject({ windowMessages: 30, keepRecent: 5, contextTokens: 700 });
  });

  it('names the bad setting and where its value came from', () => {
    expect(() => loadConfig({ env: { COLONY_PORT: 'abc' }, cwd })).toThrow(
      /config\.port: .*\(from COLONY_PORT\)/,
    );
    expect(() => loadConfig({ env: { COLONY_ADMIN_KEY: 'short' }, cwd })).toThrow(/config\.adminKey/);
    const directory = directoryWith('colony.config.json', '{"memory":{"windowMessages":1}}');
    expect(() => loadConfig({ env: {}, cwd: directory })).toThrow(
      /config\.memory\.windowMessages: .*\(from colony\.config\.json\)/,
    );
  });

  it('refuses a misspelt key in the file, naming it and the closest setting', () => {
    const directory = directoryWith('colony.config.yaml', 'port: 8100\nrateLimitPerMinut: 5\n');
    const error = errorOf(() => loadConfig({ env: {}, cwd: directory }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('rateLimitPerMinut: unknown setting; did you mean rateLimitPerMinute?');
    expect(error.message).toContain('colony.config.yaml');
    expect(error.details?.fields).toEqual([
      { path: 'rateLimitPerMinut', message: 'unknown setting; did you mean rateLimitPerMinute?' },
    ]);
  });

  it('checks nested keys strictly too, suggesting across groups', () => {
    const directory = directoryWith(
      'colony.config.yaml',
      'memory:\n  windowMessage: 50\ntools:\n  http:\n    allow_private: true\nkeepRecent: 3\nmemroy: {}\n',
    );
    const message = errorOf(() => loadConfig({ env: {}, cwd: directory })).message;
    expect(message).toContain('memory.windowMessage: unknown setting; did you mean memory.windowMessages?');
    expect(message).toContain(
      'tools.http.allow_private: unknown setting; did you mean tools.http.allowPrivate?',
    );
    expect(message).toContain('keepRecent: unknown setting; did you mean memory.keepRecent?');
    expect(message).toContain('memroy: unknown setting; did you mean memory?');
    const unrelated = directoryWith('colony.config.json', '{"flux":{"capacitor":1}}');
    expect(errorOf(() => loadConfig({ env: {}, cwd: unrelated })).message).toMatch(/flux: unknown setting$/);
  });

  it('refuses unknown keys given as flags by a caller', () => {
    expect(() => loadConfig({ env: {}, cwd, flags: { memory: { keepRecnt: 3 } } as never })).toThrow(
      /memory\.keepRecnt: unknown setting; did you mean memory\.keepRecent\?/,
    );
  });

  it('says what is wrong with an unreadable or missing file', () => {
    const broken = directoryWith('colony.config.json', '{"port": ');
    expect(() => loadConfig({ env: {}, cwd: broken })).toThrow(/colony\.config\.json: not valid JSON/);
    const list = directoryWith('colony.config.yaml', '- port\n');
    expect(() => loadConfig({ env: {}, cwd: list })).toThrow(/must hold an object/);
    expect(() => loadConfig({ env: { COLONY_CONFIG: 'nowhere.yaml' }, cwd })).toThrow(
      /nowhere\.yaml: config file not found/,
    );
  });

  it('warns about an unknown COLONY_* variable, naming the closest one, and goes on', () => {
    const warnings: string[] = [];
    const config = loadConfig({
      env: {
        COLONY_RATE_LIMIT_PER_MINUT: '5',
        COLONY_FLUX_CAPACITOR: '1',
        COLONY_URL: 'http://127.0.0.1:1',
        COLONY_TEST_DATABASES: 'sqlite',
        OPENAI_API_KEYS: 'not ours',
      },
      cwd,
      warn: (message) => warnings.push(message),
    });
    expect(config.rateLimitPerMinute).toBe(1200);
    expect(warnings).toEqual([
      'COLONY_FLUX_CAPACITOR: unknown Colony environment variable, ignored',
      'COLONY_RATE_LIMIT_PER_MINUT: unknown Colony environment variable, ignored; did you mean COLONY_RATE_LIMIT_PER_MINUTE?',
    ]);
  });
});
