import { z } from 'zod';
import { ColonyError } from '../errors/index.js';
import type { ToolDefinition } from './tool-definition.js';

function isTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const inputSchema = z.object({
  timezone: z
    .string()
    .max(64)
    .refine(isTimezone, 'not a valid IANA timezone (e.g. "Europe/Paris", "UTC")')
    .optional()
    .describe('IANA timezone, e.g. "Europe/Paris"; UTC when omitted'),
});

export type GetTimeInput = z.infer<typeof inputSchema>;

export interface GetTimeOutput {
  /** UTC time in ISO 8601. */
  iso: string;
  epochMs: number;
  timezone: string;
  /** Local time in the timezone, ISO 8601 with its offset (`2026-01-01T10:00:00+01:00`). */
  local: string;
}

function localTime(epochMs: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((entry) => entry.type === type)?.value ?? '';
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

/** `get_time`: the current time from the run's clock, in UTC and in a timezone. */
export const getTimeTool: ToolDefinition<GetTimeInput, GetTimeOutput> = {
  name: 'get_time',
  description: 'Returns the current date and time, in UTC and in an optional IANA timezone.',
  inputSchema,
  requiresApproval: () => false,
  isMutating: () => false,
  idempotent: true,
  async execute(input, context) {
    const timezone = input.timezone ?? 'UTC';
    if (!isTimezone(timezone))
      throw new ColonyError('invalid_input', `timezone: "${timezone}" is not a valid IANA timezone`);
    const epochMs = context.now();
    return { iso: new Date(epochMs).toISOString(), epochMs, timezone, local: localTime(epochMs, timezone) };
  },
};
