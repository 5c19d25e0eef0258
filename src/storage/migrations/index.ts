import type { Migration } from '../migrator.js';
import { foundation } from './0001-foundation.js';

/** Every migration, in order. Append new files; never edit or reorder shipped ones. */
export const migrations: readonly Migration[] = [foundation];
