import type { z } from 'zod';
import { permanentError } from './retry-policy.js';
import type { TaskHandler, TaskRunContext } from './types.js';

/**
 * A task handler whose payload is checked against `schema` before `handler` sees it, so the
 * handler works on a typed payload instead of casting. A payload that does not match fails the
 * task at once (no retry can fix it), naming the field.
 *
 * @example
 * const handler = defineTaskHandler(z.object({ runId: z.string() }), async (context, { runId }) =>
 *   executeRun(services, runId, context.signal),
 * );
 */
export function defineTaskHandler<Payload extends z.ZodType>(
  schema: Payload,
  handler: (context: TaskRunContext, payload: z.output<Payload>) => Promise<unknown>,
): TaskHandler {
  return async (context) => {
    const parsed = schema.safeParse(context.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'payload';
      throw permanentError(`task ${context.task.id}: payload.${field}: ${issue?.message ?? 'invalid'}`);
    }
    return handler(context, parsed.data);
  };
}
