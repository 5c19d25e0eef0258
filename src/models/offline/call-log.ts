import { appendFileSync } from 'node:fs';

/** One line of the offline model's call log. */
export interface CallLogEntry {
  event: 'start' | 'end' | 'abort';
  modelId: string;
  promptMessages: number;
  finishReason?: string;
}

/**
 * Appends one JSON line to the call log, synchronously, so a process killed right after still
 * leaves the line on disk. Does nothing when no file is configured.
 */
export function writeCallLog(file: string | undefined, entry: CallLogEntry): void {
  if (file === undefined) return;
  appendFileSync(file, `${JSON.stringify({ ...entry, pid: process.pid, at: Date.now() })}\n`);
}
