import type { Kysely } from 'kysely';
import { type Context, inUnitOfWork, requireRole } from '../context/index.js';
import { ColonyError, notFound } from '../errors/index.js';
import { recordAudit } from '../identity/index.js';
import { parseJson, type Schema, toJson } from '../storage/index.js';
import type { WorkflowDefinition } from './definition-schema.js';
import { parseDefinition } from './parse-definition.js';

export interface WorkflowVersion {
  version: number;
  definition: WorkflowDefinition;
  source: string;
  createdBy: string;
  createdAt: number;
}

export interface Workflow {
  id: string;
  orgId: string;
  name: string;
  description: string;
  latestVersion: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The definition to apply: YAML or JSON text, or the parsed object. */
export type WorkflowSource = string | Record<string, unknown>;

function sourceText(source: WorkflowSource): string {
  return typeof source === 'string' ? source : JSON.stringify(source, null, 2);
}

/** Validates a definition without storing it; throws `invalid_input` naming each path and line. */
export function validateWorkflow(context: Context, source: WorkflowSource): WorkflowDefinition {
  requireRole(context.actor, 'viewer');
  return parseDefinition(source);
}

async function loadRow(executor: Kysely<Schema>, orgId: string, idOrName: string) {
  const row = await executor
    .selectFrom('workflow')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((builder) => builder.or([builder('id', '=', idOrName), builder('name', '=', idOrName)]))
    .executeTakeFirst();
  if (!row) throw notFound('workflow', idOrName);
  return row;
}

/** One version of a workflow of the org (default: its latest). */
export async function loadWorkflowVersion(
  executor: Kysely<Schema>,
  orgId: string,
  idOrName: string,
  version?: number,
): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
  const row = await loadRow(executor, orgId, idOrName);
  const wanted = version ?? row.latest_version;
  const versionRow = await executor
    .selectFrom('workflow_version')
    .selectAll()
    .where('workflow_id', '=', row.id)
    .where('version', '=', wanted)
    .executeTakeFirst();
  if (!versionRow) throw notFound('workflow version', `${row.name}@${wanted}`);
  const found = toVersion(versionRow);
  return { workflow: toWorkflow(row, found.definition.description), version: found };
}

function toVersion(row: {
  version: number;
  definition: string;
  source: string;
  created_by: string;
  created_at: number;
}): WorkflowVersion {
  return {
    version: Number(row.version),
    definition: parseJson<WorkflowDefinition>(row.definition, { name: '', description: '', steps: [] }),
    source: row.source,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

function toWorkflow(row: Schema['workflow'], description: string): Workflow {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description,
    latestVersion: Number(row.latest_version),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Stores a definition as the next version of the workflow of its name (creating the workflow on
 * its first apply). Runs already started keep the version they recorded. Member or above.
 *
 * @example applyWorkflow(context, 'name: hello\nsteps:\n  - { id: greet, type: set, values: { text: hi } }')
 */
export async function applyWorkflow(
  context: Context,
  source: WorkflowSource,
): Promise<Workflow & { version: number }> {
  requireRole(context.actor, 'member');
  const definition = parseDefinition(source);
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const now = services.clock.now();
    const existing = await transaction
      .selectFrom('workflow')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('name', '=', definition.name)
      .executeTakeFirst();
    let id = existing?.id;
    let version = 1;
    if (existing) {
      const latest = await transaction
        .selectFrom('workflow_version')
        .select('source')
        .where('workflow_id', '=', existing.id)
        .where('version', '=', existing.latest_version)
        .executeTakeFirst();
      // Applying the same text again (a retried request) is not a new version.
      if (latest?.source === sourceText(source)) {
        return { ...toWorkflow(existing, definition.description), version: Number(existing.latest_version) };
      }
      version = Number(existing.latest_version) + 1;
      // Guarded by the old version: two concurrent applies cannot both take the same number.
      await transaction
        .updateTable('workflow')
        .set({ latest_version: version, updated_at: now })
        .where('id', '=', existing.id)
        .execute();
    } else {
      id = services.ids.next('wfl');
      await transaction
        .insertInto('workflow')
        .values({
          id,
          org_id: actor.orgId,
          name: definition.name,
          latest_version: 1,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    if (!id) throw new Error('workflow id missing');
    await transaction
      .insertInto('workflow_version')
      .values({
        workflow_id: id,
        version,
        org_id: actor.orgId,
        definition: toJson(definition),
        source: sourceText(source),
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    await recordAudit(transaction, services, actor, {
      action: 'workflow.apply',
      resourceType: 'workflow',
      resourceId: id,
      details: { name: definition.name, version },
    });
    const row = await loadRow(transaction, actor.orgId, id);
    return { ...toWorkflow(row, definition.description), version };
  });
}

export async function listWorkflows(
  context: Context,
  options: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<{ workflows: Workflow[]; nextCursor: string | null }> {
  requireRole(context.actor, 'viewer');
  const limit = options.limit ?? 50;
  let query = context.services.database.db
    .selectFrom('workflow')
    .innerJoin('workflow_version', (join) =>
      join
        .onRef('workflow_version.workflow_id', '=', 'workflow.id')
        .onRef('workflow_version.version', '=', 'workflow.latest_version'),
    )
    .selectAll('workflow')
    .select('workflow_version.definition')
    .where('workflow.org_id', '=', context.actor.orgId)
    .orderBy('workflow.name')
    .limit(limit + 1);
  if (options.cursor) query = query.where('workflow.name', '>', options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    workflows: page.map((row) =>
      toWorkflow(row, parseJson<{ description?: string }>(row.definition, {}).description ?? ''),
    ),
    nextCursor: rows.length > limit ? (page.at(-1)?.name ?? null) : null,
  };
}

/** A workflow with every version (newest first) and the latest definition. */
export async function getWorkflow(
  context: Context,
  idOrName: string,
): Promise<Workflow & { definition: WorkflowDefinition; versions: WorkflowVersion[] }> {
  requireRole(context.actor, 'viewer');
  const { db } = context.services.database;
  const { workflow, version } = await loadWorkflowVersion(db, context.actor.orgId, idOrName);
  const rows = await db
    .selectFrom('workflow_version')
    .selectAll()
    .where('workflow_id', '=', workflow.id)
    .orderBy('version', 'desc')
    .limit(100)
    .execute();
  return { ...workflow, definition: version.definition, versions: rows.map(toVersion) };
}

/**
 * Deletes a workflow and its versions; finished runs stay readable. Refused (`conflict`) while a run
 * of it is unfinished, since that run still reads its version.
 */
export async function deleteWorkflow(context: Context, idOrName: string): Promise<Workflow> {
  requireRole(context.actor, 'member');
  const { services, actor } = context;
  return inUnitOfWork(context, async ({ transaction }) => {
    const { workflow } = await loadWorkflowVersion(transaction, actor.orgId, idOrName);
    const unfinished = await transaction
      .selectFrom('workflow_run')
      .select('id')
      .where('workflow_id', '=', workflow.id)
      .where('status', 'in', ['running', 'waiting'])
      .executeTakeFirst();
    if (unfinished) {
      throw new ColonyError(
        'conflict',
        `workflow ${workflow.name} has unfinished runs (${unfinished.id}); cancel them first`,
      );
    }
    await transaction.deleteFrom('workflow_version').where('workflow_id', '=', workflow.id).execute();
    await transaction.deleteFrom('workflow').where('id', '=', workflow.id).execute();
    await recordAudit(transaction, services, actor, {
      action: 'workflow.delete',
      resourceType: 'workflow',
      resourceId: workflow.id,
    });
    return workflow;
  });
}
