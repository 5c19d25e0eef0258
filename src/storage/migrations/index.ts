import type { Migration } from '../migrator.js';
import { foundation } from './0001-foundation.js';
import { tasks } from './0002-tasks.js';
import { memory } from './0003-memory.js';
import { orchestration } from './0004-orchestration.js';
import { collaboration } from './0005-collaboration.js';
import { idempotency } from './0006-idempotency.js';

/** Every migration, in order. Append new files; never edit or reorder shipped ones. */
export const migrations: readonly Migration[] = [
  foundation,
  tasks,
  memory,
  orchestration,
  collaboration,
  idempotency,
];
