import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, runCli, type ServeProcess, startServe } from './test-support/cli-process.js';

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServeProcess | undefined;
const value = 'cli-secret-value-5d1e8a';
const rotated = 'cli-secret-rotated-9b7c2f';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'colony-cli-secret-'));
  env = cleanEnv({
    COLONY_DATA_DIR: dataDir,
    COLONY_PORT: String(await freePort()),
    COLONY_LOG_LEVEL: 'warn',
  });
  server = await startServe(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('colony secret', { timeout: 90_000 }, () => {
  it('generated the key file, mode 0600, at the first start of serve', () => {
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
  });

  it('sets from stdin, lists, rotates, grants, revokes and deletes, never printing the value', async () => {
    const outputs: string[] = [];
    const run = async (args: string[], input = '') => {
      const result = await runCli(args, env, input);
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    const set = await run(['secret', 'set', 'CRM_TOKEN', '--description', 'the CRM'], `${value}\n`);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('stored secret CRM_TOKEN (version 1)');
    expect((await run(['agent', 'create', 'crm'])).code).toBe(0);

    const rotation = await run(['secret', 'rotate', 'CRM_TOKEN'], rotated);
    expect(rotation.stdout).toContain('version 2');
    const granted = await run(['secret', 'grant', 'CRM_TOKEN', '--agent', 'crm']);
    expect(granted.code).toBe(0);
    const listed = await run(['secret', 'list']);
    expect(listed.stdout).toMatch(/^NAME\s+VERSION\s+GRANTED TO\s+ID/);
    expect(listed.stdout).toMatch(/CRM_TOKEN\s+2\s+agent:agt_/);
    const revoked = await run(['secret', 'revoke', 'CRM_TOKEN', '--agent', 'crm']);
    expect(revoked.code).toBe(0);
    const after = JSON.parse((await run(['secret', 'list', '--json'])).stdout) as {
      secrets: Array<{ grants: unknown[]; version: number }>;
    };
    expect(after.secrets).toMatchObject([{ grants: [], version: 2 }]);
    expect((await run(['secret', 'delete', 'CRM_TOKEN'])).code).toBe(0);
    expect((await run(['secret', 'list'])).stdout).toContain('no secrets');
    for (const output of outputs) {
      expect(output).not.toContain(value);
      expect(output).not.toContain(rotated);
    }
  });

  it('takes no value on the command line and refuses an empty one', async () => {
    const flag = await runCli(['secret', 'set', 'NOPE', '--value', value], env);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toContain("unknown option '--value'");
    const empty = await runCli(['secret', 'set', 'NOPE'], env, '');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('no value for NOPE on stdin');
  });
});
