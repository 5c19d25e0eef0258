import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const entry = fileURLToPath(new URL('../main.ts', import.meta.url));

/** The parent environment without Colony settings or model provider keys: runs stay offline. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(COLONY_|OPENAI_|ANTHROPIC_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (or stderr with `stream: 'stderr'`). */
  waitFor(
    pattern: RegExp,
    options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' },
  ): Promise<RegExpMatchArray>;
  write(text: string): void;
  exited: Promise<number | null>;
}

/** Spawns `node --import tsx src/cli/main.ts <args>` as a real process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, options = {}) {
      const read = () => (options.stream === 'stderr' ? stderr : stdout).match(pattern);
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = read();
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, options.timeoutMs ?? 20_000);
        const onExit = () => {
          check();
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`exited while waiting for ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    write(text) {
      child.stdin?.write(text);
    },
    exited,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion, feeding `input` on stdin. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliResult> {
  const cli = startCli(args, env);
  cli.child.stdin?.end(input);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServeProcess extends CliProcess {
  url: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `colony serve` and waits for its banner (human, or JSON with `--json`). */
export async function startServe(env: NodeJS.ProcessEnv, args: string[] = []): Promise<ServeProcess> {
  const cli = startCli(['serve', ...args], env);
  const json = args.includes('--json');
  const match = await cli.waitFor(json ? /"url": "([^"]+)"/ : /url:\s+(\S+)/);
  await cli.waitFor(json ? /\n}\n/ : /try:\s+curl/);
  return {
    ...cli,
    url: match[1] ?? '',
    async stop() {
      if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
      return cli.exited;
    },
  };
}

/** What `serveForTests` gives a test file: the CLI's environment and the server's data dir. */
export interface ServedCli {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  server: ServeProcess;
}

/**
 * Starts one `colony serve` on a fresh data dir and a free port before the tests of the calling
 * file (or `describe`), and stops it and removes the dir after. Read `served.env` inside tests.
 *
 * @example
 * const served = serveForTests('memory');
 * it('lists', async () => expect((await runCli(['memory', 'list'], served.env)).code).toBe(0));
 */
export function serveForTests(name: string, extraEnv: NodeJS.ProcessEnv = {}): ServedCli {
  const served = {} as ServedCli;
  beforeAll(async () => {
    served.dataDir = mkdtempSync(join(tmpdir(), `colony-cli-${name}-`));
    served.env = cleanEnv({
      COLONY_DATA_DIR: served.dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_LOG_LEVEL: 'warn',
      ...extraEnv,
    });
    served.server = await startServe(served.env);
  }, 60_000);
  afterAll(async () => {
    await served.server?.stop();
    if (served.dataDir) rmSync(served.dataDir, { recursive: true, force: true });
  });
  return served;
}
