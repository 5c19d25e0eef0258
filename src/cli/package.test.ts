import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort } from './test-support/cli-process.js';
import { runtimePackages } from './test-support/package-imports.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const run = promisify(execFile);

describe('the runtime dependencies', () => {
  it('are all in dependencies: nothing the shipped code loads is a dev dependency', () => {
    const used = runtimePackages(join(repoRoot, 'src'));
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used.keys()].filter((name) => manifest.dependencies[name] === undefined);
    expect(missing.map((name) => `${name} (used by ${used.get(name)?.[0]})`)).toEqual([]);
  });
});

/**
 * Packs Colony as npm would publish it and installs the tarball in an empty folder, as a user
 * would: slow (a build and an install, better-sqlite3 may compile), so it runs when
 * COLONY_TEST_PACKAGE=1 (.ci/run sets it for its own step).
 */
describe.runIf(process.env.COLONY_TEST_PACKAGE === '1')('the npm package', { timeout: 900_000 }, () => {
  const env = cleanEnv({});
  let work = '';
  let app = '';
  let files: string[] = [];
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'colony-package-'));
    app = join(work, 'app');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    if (!packed) throw new Error(`npm pack printed no package:\n${stdout}`);
    files = packed.files.map((file) => file.path);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "colony-package-test", "private": true }\n');
    await run('npm', ['install', '--no-audit', '--no-fund', join(work, packed.filename)], {
      cwd: app,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 900_000);

  afterAll(() => {
    if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the built CLI and no sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['bin/colony.js', 'dist/cli/main.js', 'package.json']));
    expect(files.filter((path) => path.startsWith('src/') || /\.test\.|test-support/.test(path))).toEqual([]);
    // The installed bin runs dist/ with plain node: tsx (a dev dependency) is not there.
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  });

  it('colony --version prints the package version', async () => {
    const { stdout } = await run('npx', ['--no', '--', 'colony', '--version'], { cwd: app, env });
    expect(stdout.trim()).toBe(manifest.version);
  });

  it('colony serve starts from colony.config.yaml, answers /healthz, writes the admin key, stops on SIGTERM', async () => {
    const port = await freePort();
    writeFileSync(join(app, 'colony.config.yaml'), `port: ${port}\ndataDir: ./data\nlogFormat: json\n`);
    const child = spawn('npx', ['--no', '--', 'colony', 'serve'], { cwd: app, env, detached: true });
    server = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const waitFor = async (pattern: RegExp, whileRunning = false) => {
      for (let attempt = 0; !pattern.test(output); attempt++) {
        if (attempt > 1200 || (whileRunning && child.exitCode !== null)) {
          throw new Error(`colony serve printed no ${pattern}:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await waitFor(/"msg":"colony serving/, true);
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const key = readFileSync(join(app, 'data', 'admin-key'), 'utf8').trim();
    expect(output).toContain(`admin key: ${key}`);
    const agents = await fetch(`${url}/v1/agents`, { headers: { Authorization: `Bearer ${key}` } });
    expect(agents.status).toBe(200);
    // npx and the node it starts share a process group: SIGTERM reaches the server itself.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await waitFor(/"msg":"stopped"/);
  });
});
