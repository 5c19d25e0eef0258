import type { Transaction } from 'kysely';
import type { Outbox } from '../events/index.js';
import type { Schema } from '../storage/index.js';

/**
 * Called inside the transaction that cancels tasks, with the ids it canceled (the whole subtree),
 * so a capability whose rows mirror a task (an agent run) ends them in the same commit.
 */
export type CancelHook = (
  transaction: Transaction<Schema>,
  outbox: Outbox,
  canceledTaskIds: readonly string[],
  reason: string,
) => Promise<void>;

const hooks = new Set<CancelHook>();

/** Registers a hook for every later cancellation in this process; returns its removal. */
export function onTasksCanceled(hook: CancelHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

export async function runCancelHooks(
  transaction: Transaction<Schema>,
  outbox: Outbox,
  canceledTaskIds: readonly string[],
  reason: string,
): Promise<void> {
  if (canceledTaskIds.length === 0) return;
  for (const hook of hooks) await hook(transaction, outbox, canceledTaskIds, reason);
}
