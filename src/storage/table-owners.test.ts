import { describe, expect, it } from 'vitest';
import { isTestCode, parseSource, typescriptFiles } from './test-support/source-files.js';
import { schemaTables, tableWrites } from './test-support/table-writes.js';

/**
 * The one capability (folder under src/) that writes each table. Others call its functions inside
 * their own transaction (STYLE.md habit 14; issue 11 item 11).
 */
const owners: Record<string, string> = {
  org: 'identity',
  user_account: 'identity',
  team: 'identity',
  team_membership: 'identity',
  api_key: 'identity',
  audit_log: 'identity',
  agent: 'agents',
  agent_version: 'agents',
  conversation: 'chats',
  conversation_participant: 'chats',
  message: 'chats',
  run: 'runtime',
  run_step: 'runtime',
  usage_log: 'runtime',
  usage_budget: 'usage',
  event: 'events',
  task: 'tasks',
  task_dependency: 'tasks',
  task_attempt: 'tasks',
  task_step: 'tasks',
  task_effect: 'tasks',
  scheduled_job: 'tasks',
  leader_lease: 'tasks',
  schedule: 'schedules',
  schema_migration: 'storage',
  memory: 'memory',
  memory_tag: 'memory',
  memory_log: 'memory',
  agent_message: 'collaboration',
  agent_handoff: 'collaboration',
  mission: 'orchestration',
  mission_task: 'orchestration',
  mission_handoff: 'orchestration',
  mission_checkpoint: 'orchestration',
  routing_decision_log: 'orchestration',
  agent_performance: 'orchestration',
  idempotency_record: 'idempotency',
  mcp_server: 'mcp',
  secret: 'secrets',
  secret_version: 'secrets',
  secret_grant: 'secrets',
  webhook_subscription: 'webhooks',
  webhook_delivery: 'webhooks',
  webhook_cursor: 'webhooks',
  workflow: 'workflows',
  workflow_version: 'workflows',
  workflow_run: 'workflows',
  workflow_step: 'workflows',
};

const tables = [
  'storage/schema.ts',
  'storage/schema-collaboration.ts',
  'storage/schema-idempotency.ts',
  'storage/schema-mcp.ts',
  'storage/schema-secrets.ts',
  'storage/schema-webhooks.ts',
  'storage/schema-workflows.ts',
]
  .flatMap((path) => schemaTables(parseSource(path)))
  .sort();

/**
 * Where a table is written outside its owner on purpose: the dialect seam runs the task store's
 * and the lexical index's SQL for tasks/ and memory/ (item 10), and migrations create and fill
 * tables before any capability exists.
 */
function exempt(path: string): boolean {
  return path.startsWith('storage/dialects/') || path.startsWith('storage/migrations/');
}

describe('one owner per table', () => {
  it('names an owner for every table of the schema', () => {
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((table) => owners[table] === undefined)).toEqual([]);
    expect(Object.keys(owners).filter((table) => !tables.includes(table))).toEqual([]);
  });

  it('finds each way of writing a table', () => {
    const known = new Set(['message', 'task']);
    const writes = (text: string) =>
      tableWrites(parseSource('snippet.ts', text), known).map((write) => write.table);
    expect(writes(`await transaction.insertInto('message').values(row).execute();`)).toEqual(['message']);
    expect(writes(`await db.updateTable('task as t').set({}).execute();`)).toEqual(['task']);
    expect(writes(`await db.deleteFrom('message').execute();`)).toEqual(['message']);
    expect(writes(`const insert = prepareInsert('message', ['id']);`)).toEqual(['message']);
    expect(writes('await sql`update task set status = 1 for update skip locked`.execute(db);')).toEqual([
      'task',
    ]);
    expect(writes(`await db.selectFrom('message').selectAll().execute();`)).toEqual([]);
  });

  it('holds: only the owning folder writes a table', () => {
    const known = new Set(tables);
    const strangers = typescriptFiles()
      .filter((path) => !isTestCode(path) && !exempt(path))
      .flatMap((path) => {
        const folder = path.split('/')[0];
        return tableWrites(parseSource(path), known)
          .filter((write) => owners[write.table] !== folder)
          .map((write) => `${write.table} (owner ${owners[write.table] ?? 'none'}): ${write.at}`);
      });
    expect(strangers).toEqual([]);
  });
});
