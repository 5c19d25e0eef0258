import type { Context } from '../context/index.js';
import { ColonyError, errorCodes } from '../errors/index.js';
import type { ChatWatch, RunUpdate } from './follow-run.js';
import { type TurnOutcome, turnOutcome } from './turn-outcome.js';

/**
 * Follows a run until it ends or waits for a human, handing each update to `onUpdate`, and
 * returns where it stands. A `run-waiting` read while replaying an older stretch of the run (it
 * was approved since) does not stop the follower.
 */
export async function followToOutcome(
  context: Context,
  watch: ChatWatch,
  runId: string,
  signal: AbortSignal,
  onUpdate: (update: RunUpdate) => Promise<void> = async () => {},
): Promise<TurnOutcome> {
  for await (const update of watch.follow(runId, { signal })) {
    await onUpdate(update);
    if (update.kind === 'event' && update.event.type === 'run-waiting') {
      const outcome = await turnOutcome(context, runId);
      if (outcome.status === 'waiting') return outcome;
    }
  }
  if (signal.aborted) throw new ColonyError('canceled', 'the client went away');
  return turnOutcome(context, runId);
}

/** The error a failed or canceled run answers with (a failure keeps its code, e.g. `quota_exceeded`). */
export function runFailure(outcome: TurnOutcome): ColonyError {
  if (outcome.status === 'canceled') return new ColonyError('canceled', `run ${outcome.runId} was canceled`);
  const message = outcome.error ?? 'the run failed';
  const code = message.split(':', 1)[0] ?? '';
  const known = (errorCodes as readonly string[]).includes(code) ? (code as ColonyError['code']) : 'internal';
  return new ColonyError(known, `run ${outcome.runId} failed: ${message}`);
}
