import type { CliIo } from './output.js';
import type { ErrorHints } from './settings.js';

/** Shared by every command of one invocation. */
export interface CliContext {
  io: CliIo;
  /** Filled in by commands so an error message can say which URL or key file was used. */
  hints: ErrorHints;
}
