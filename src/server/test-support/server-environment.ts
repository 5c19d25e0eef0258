import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName } from '../../storage/index.js';
import { createPostgresDatabase } from '../../storage/test-support/databases.js';
import { freePort } from './spawn-server.js';

/** A data dir, a database of `dialect` and the environment a spawned server runs with. */
export interface ServerEnvironment {
  env: NodeJS.ProcessEnv;
  /** Where the test opens the server's database itself (a file for SQLite). */
  databaseUrl: string;
  cleanup(): Promise<void>;
}

/** A fresh environment for crash tests: free port, preset admin key, no rate limit. */
export async function createServerEnvironment(
  dialect: DialectName,
  options: { prefix: string; adminKey: string; env?: NodeJS.ProcessEnv },
): Promise<ServerEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix));
  const database = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  return {
    env: {
      COLONY_DATA_DIR: dataDir,
      COLONY_PORT: String(await freePort()),
      COLONY_ADMIN_KEY: options.adminKey,
      COLONY_RATE_LIMIT_PER_MINUTE: '0',
      ...(database ? { COLONY_DATABASE_URL: database.url } : {}),
      ...options.env,
    },
    databaseUrl: database?.url ?? join(dataDir, 'colony.db'),
    async cleanup() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
