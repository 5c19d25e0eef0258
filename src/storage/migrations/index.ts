/**
 * Every migration, in order. Append new files; never edit or reorder shipped ones.
 *
 * A shipped migration is frozen: it must create the same schema forever, so it must not call code
 * that can change later (the memory index, the task store, a helper shared with live code). A file
 * here imports values only from `kysely`, and types only from `../migrator.js` and
 * `../dialects/dialect.js`; what differs between databases comes from `dialect.columnTypes` or is
 * written out as literal DDL per dialect (0003's lexical index). `frozen.test.ts` holds both: it
 * checks these imports, and compares what each migration does to a fresh database with the
 * committed `schema/<dialect>.txt`, so an edit that changes an old migration's effect fails.
 * A new migration adds a section there (`npx vitest run src/storage/migrations --update` on both
 * databases); an existing section must never change.
 */
import type { Migration } from '../migrator.js';
import { foundation } from './0001-foundation.js';
import { tasks } from './0002-tasks.js';
import { memory } from './0003-memory.js';
import { orchestration } from './0004-orchestration.js';
import { collaboration } from './0005-collaboration.js';
import { idempotency } from './0006-idempotency.js';
import { mcpServers } from './0007-mcp-servers.js';
import { agentToolSettings } from './0008-agent-tool-settings.js';
import { memoryTimeAndTurns } from './0009-memory-time-and-turns.js';
import { schedules } from './0010-schedules.js';
import { secrets } from './0011-secrets.js';
import { webhooks } from './0012-webhooks.js';
import { memoryShortHashes } from './0013-memory-short-hashes.js';
import { workflows } from './0014-workflows.js';
import { usageBudgets } from './0015-usage-budgets.js';

export const migrations: readonly Migration[] = [
  foundation,
  tasks,
  memory,
  orchestration,
  collaboration,
  idempotency,
  mcpServers,
  agentToolSettings,
  memoryTimeAndTurns,
  schedules,
  secrets,
  webhooks,
  memoryShortHashes,
  workflows,
  usageBudgets,
];
