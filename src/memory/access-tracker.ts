import type { Database } from '../storage/index.js';

/**
 * Access statistics off the hot path: searches record hits in memory; a timer flushes them in one
 * transaction every `intervalMs` (and on `close`). A crash loses at most one interval of counts.
 */
export class AccessTracker {
  private pending = new Map<string, { count: number; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(ids: readonly string[], at: number): void {
    for (const id of ids) {
      const current = this.pending.get(id);
      this.pending.set(id, { count: (current?.count ?? 0) + 1, at: Math.max(at, current?.at ?? 0) });
    }
    if (this.timer === null && this.pending.size > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Writes the buffered counts now. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
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
    } catch (error) {
      this.onError(error);
    }
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
