import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './spawn-server.js';

const run = promisify(execFile);

/**
 * A throwaway Postgres cluster of its own (Debian's postgresql-common), for tests that stop and
 * restart the server: never the machine's main cluster. Trust auth on local TCP.
 */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` of the database created for the test. */
  url: string;
  port: number;
  /** `pg_ctlcluster restart`, fast (the default: sessions are told 57P01) or immediate. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** `pg_dropcluster --stop`: stops it and removes its data and configuration. */
  drop(): Promise<void>;
}

function serverVersion(): string | undefined {
  if (!existsSync('/etc/postgresql')) return undefined;
  return readdirSync('/etc/postgresql')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))[0];
}

/** Why a cluster cannot be made here, or undefined when it can. */
export function clusterUnavailableReason(): string | undefined {
  const tools = ['pg_createcluster', 'pg_ctlcluster', 'pg_dropcluster'];
  if (!tools.every((tool) => existsSync(`/usr/bin/${tool}`)))
    return `needs ${tools.join(', ')} (Debian's postgresql-common)`;
  if (!serverVersion()) return 'needs a Postgres server version under /etc/postgresql';
  if (process.getuid?.() !== 0) return 'needs root: pg_createcluster writes /etc/postgresql';
  return undefined;
}

/** Creates and starts a cluster on a free port, with one empty database `name`. */
export async function createPostgresCluster(database: string): Promise<PostgresCluster> {
  const version = serverVersion();
  if (!version) throw new Error('no Postgres server version under /etc/postgresql');
  const name = `colony_test_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  if (port === 5432) throw new Error('refusing the port of the machine’s main cluster');
  const control = async (...args: string[]) => {
    await run('pg_ctlcluster', [version, name, ...args]);
  };
  await run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust']);
  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    restart: (mode) => control('restart', '-m', mode),
    stop: (mode) => control('stop', '-m', mode),
    start: () => control('start'),
    async drop() {
      await run('pg_dropcluster', ['--stop', version, name]);
    },
  };
  try {
    await cluster.start();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
  } catch (error) {
    await cluster.drop().catch(() => {});
    throw error;
  }
  return cluster;
}
