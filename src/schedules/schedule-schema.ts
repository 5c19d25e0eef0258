import { z } from 'zod';
import { maxChatMessageChars } from '../kernel/index.js';
import { createMissionInput } from '../orchestration/index.js';

/** Shortest and longest fixed interval: 10 seconds, one year. */
export const minIntervalMs = 10_000;
export const maxIntervalMs = 31_536_000_000;

const agentTarget = z
  .object({
    kind: z.literal('agent'),
    /** Agent id or name. */
    agent: z.string().trim().min(1).max(200),
    prompt: z.string().min(1).max(maxChatMessageChars),
    /** Post into this chat every time; default: a new chat per firing. */
    chatId: z.string().min(1).max(200).optional(),
  })
  .strict();

// A fixed deadline makes no sense for a mission started again and again.
const missionTarget = createMissionInput
  .omit({ deadlineAt: true })
  .extend({ kind: z.literal('mission') })
  .strict();

const workflowTarget = z
  .object({
    kind: z.literal('workflow'),
    /** Workflow id or name; each firing runs its latest version. */
    workflow: z.string().trim().min(1).max(200),
    input: z.unknown().optional(),
  })
  .strict();

/** What a firing runs: a prompt to an agent (a chat turn), a mission, or a workflow run. */
export const scheduleTarget = z.discriminatedUnion('kind', [agentTarget, missionTarget, workflowTarget]);
export type ScheduleTarget = z.output<typeof scheduleTarget>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const fields = {
  description: z.string().max(500),
  /** Croner pattern: 5 or 6 fields, or a nickname (`@daily`). */
  cron: z.string().trim().min(1).max(100),
  intervalMs: z.number().int().min(minIntervalMs).max(maxIntervalMs),
  timezone: z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone, e.g. Europe/Berlin'),
  target: scheduleTarget,
  enabled: z.boolean(),
};

/** A new schedule: exactly one of `cron` and `intervalMs` (checked by `createSchedule`). */
export const createScheduleInput = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,62}$/,
        'lowercase letters, digits, `.`, `_` and `-`; at most 63 characters',
      ),
    description: fields.description.default(''),
    cron: fields.cron.optional(),
    intervalMs: fields.intervalMs.optional(),
    timezone: fields.timezone.optional(),
    target: fields.target,
    enabled: fields.enabled.default(true),
  })
  .strict();
export type CreateScheduleInput = z.input<typeof createScheduleInput>;

/** A change (at most one of `cron` and `intervalMs`): pause or resume (`enabled`), a new timing, target or description. */
export const updateScheduleInput = z
  .object({
    description: fields.description.optional(),
    cron: fields.cron.optional(),
    intervalMs: fields.intervalMs.optional(),
    timezone: fields.timezone.nullable().optional(),
    target: fields.target.optional(),
    enabled: fields.enabled.optional(),
  })
  .strict();
export type UpdateScheduleInput = z.input<typeof updateScheduleInput>;
