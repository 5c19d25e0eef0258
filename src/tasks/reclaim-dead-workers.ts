import { hostname } from 'node:os';
import type { TaskServices } from './enqueue-task.js';
import { reclaimExpired } from './reclaim-expired.js';

export interface ReclaimDeadLocalWorkersOptions {
  /** This machine's name, as worker ids start with it. Default `os.hostname()`. */
  host?: string;
  /** Whether a process id is alive on this machine. Default `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}

/** `process.kill(pid, 0)`: ESRCH means no such process; EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !(error instanceof Error && 'code' in error && error.code === 'ESRCH');
  }
}

/** The process id in a default worker id `${hostname}:${pid}:${random}` of `host`, else undefined. */
export function localWorkerPid(workerId: string, host: string): number | undefined {
  if (!workerId.startsWith(`${host}:`)) return undefined;
  const [pid, random, ...rest] = workerId.slice(host.length + 1).split(':');
  if (pid === undefined || random === undefined || rest.length > 0 || !/^[1-9][0-9]*$/.test(pid))
    return undefined;
  return Number(pid);
}

/**
 * Startup recovery: running tasks held by a worker of THIS host whose process is gone (SIGKILL,
 * OOM kill, crash) have their lease expired now and are reclaimed through `reclaimExpired` — the
 * attempt is counted as `lease-expired` — instead of waiting up to a whole lease. Leases of live
 * processes and of other hosts are left alone (a pid already reused by another process counts as
 * alive: that task waits for its lease as before). Returns how many tasks were reclaimed.
 *
 * Only default worker ids (`${hostname()}:${pid}:${random}`) are recognised. Processes that share
 * a hostname but not a PID namespace (containers given the same `hostname`) would see each other as
 * dead: give them distinct hostnames, or set explicit worker ids, or pass `recoverLocalWorkers:
 * false` to the pool. Fencing (`claim_count`) still keeps a wrongly reclaimed worker from writing.
 *
 * @example
 * await reclaimDeadLocalWorkers(services); // before a new worker pool starts claiming
 */
export async function reclaimDeadLocalWorkers(
  services: TaskServices,
  options: ReclaimDeadLocalWorkersOptions = {},
): Promise<number> {
  return (await expireDeadLocalLeases(services, options)) > 0 ? reclaimExpired(services) : 0;
}

/** Expires (without reclaiming) the leases held by dead processes of this host; returns how many. */
export async function expireDeadLocalLeases(
  services: TaskServices,
  options: ReclaimDeadLocalWorkersOptions = {},
): Promise<number> {
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? isProcessAlive;
  const rows = await services.database.db
    .selectFrom('task')
    .select(['id', 'claim_count', 'locked_by'])
    .where('status', '=', 'running')
    .where('locked_by', 'is not', null) // few rows (running ones); prefixes are matched below
    .execute();
  const alive = new Map<number, boolean>();
  const dead = rows.filter((row) => {
    const pid = row.locked_by === null ? undefined : localWorkerPid(row.locked_by, host);
    if (pid === undefined || pid === process.pid) return false;
    let known = alive.get(pid);
    if (known === undefined) {
      known = isAlive(pid);
      alive.set(pid, known);
    }
    return !known;
  });
  const now = services.clock.now();
  let expired = 0;
  for (const row of dead) {
    const result = await services.database.db
      .updateTable('task')
      .set({ locked_until: now - 1 })
      .where('id', '=', row.id)
      .where('claim_count', '=', row.claim_count)
      .where('status', '=', 'running')
      .where('locked_by', '=', row.locked_by)
      .executeTakeFirst();
    expired += Number(result.numUpdatedRows);
  }
  return expired;
}
