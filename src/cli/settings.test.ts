import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './settings.js';
import { capturedStream } from './test-support/captured-stream.js';

describe('loadCliConfig', () => {
  it('warns on stderr about an unknown COLONY_* variable and goes on', () => {
    const output = capturedStream();
    const dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-settings-'));
    const io = {
      stdin: process.stdin,
      stdout: output.stream,
      stderr: output.stream,
      env: { COLONY_WORKRS: '3', COLONY_DATA_DIR: dataDir },
    };
    const config = loadCliConfig({}, io, { port: 0 });
    expect(config.workers).toBe(4);
    expect(config.dataDir).toBe(dataDir);
    expect(output.text()).toBe(
      'warning: COLONY_WORKRS: unknown Colony environment variable, ignored; did you mean COLONY_WORKERS?\n',
    );
  });
});
