import {
  createOutageBackoff,
  type Database,
  databaseOutageOf,
  type OutageBackoff,
  type OutageLogger,
} from '../storage/index.js';

type Counts = Map<string, { count: number; at: number }>;

/**
 * Access statistics off the hot path: searches record hits in memory; a timer flushes them in one
 * transaction every `intervalMs` (and on `close`). A crash loses at most one interval of counts.
 * While the database is unavailable the counts stay buffered and the flush is retried with
 * backoff (the outage logged once); any other failure drops that batch and is logged.
 */
export class AccessTracker {
  private pending: Counts = new Map();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly backoff: OutageBackoff;

  constructor(
    private readonly database: Database,
    private readonly intervalMs: number,
    logger: OutageLogger,
  ) {
    this.backoff = createOutageBackoff(logger, 'memory access statistics', {
      baseMs: Math.max(100, intervalMs),
      maxMs: 60_000,
    });
  }

  record(ids: readonly string[], at: number): void {
    this.add(ids.map((id) => [id, { count: 1, at }]));
    this.schedule(this.intervalMs);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes the buffered counts now. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private add(entries: Iterable<[string, { count: number; at: number }]>): void {
    for (const [id, { count, at }] of entries) {
      const current = this.pending.get(id);
      this.pending.set(id, { count: (current?.count ?? 0) + count, at: Math.max(at, current?.at ?? 0) });
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null || this.pending.size === 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.database.transaction(async (transaction) => {
        for (const [id, { count, at }] of batch) {
          await transaction
            .updateTable('memory')
            .set((builder) => ({ access_count: builder('access_count', '+', count), last_accessed_at: at }))
            .where('id', '=', id)
            .execute();
        }
      });
      this.backoff.succeeded();
    } catch (error) {
      const delayMs = this.backoff.failed(error);
      if (!databaseOutageOf(error)) return;
      this.add(batch); // nothing of it was written: keep it for the next try
      this.schedule(delayMs);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
