import { type Context, requireRole } from '../context/index.js';
import { ColonyError } from '../errors/index.js';
import { parseJson, type Row } from '../storage/index.js';

/** One audit row as the API shows it: who did what to which resource, when and from where. */
export interface AuditRecord {
  id: string;
  orgId: string;
  actor: { kind: string; id: string };
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  createdAt: number;
}

/** The cursor is the last row's position in the newest-first order: `<createdAt>.<id>`. */
export const auditCursorPattern = /^(\d{1,16})\.(\S{1,180})$/;

/**
 * Filters of `GET /v1/audit` and `colony audit`. `action` matches exactly, or as a prefix when it
 * ends in `.*` (`agent.*`); `since` is inclusive and `until` exclusive, both epoch milliseconds.
 */
export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function parseCursor(cursor: string): { createdAt: number; id: string } {
  const match = auditCursorPattern.exec(cursor);
  if (!match?.[1] || !match[2]) {
    const message = 'not a cursor of GET /v1/audit (pass nextCursor of the previous page)';
    throw new ColonyError('invalid_input', `cursor: ${message}`, { fields: [{ path: 'cursor', message }] });
  }
  return { createdAt: Number(match[1]), id: match[2] };
}

function toAuditRecord(row: Row<'audit_log'>): AuditRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    ip: row.ip,
    requestId: row.request_id,
    details: parseJson<Record<string, unknown>>(row.details, {}),
    createdAt: Number(row.created_at),
  };
}

/**
 * Lists the caller's org's audit rows, newest first, filtered and paged by cursor (admin).
 *
 * @example listAuditEntries(context, { action: 'api-key.*', since: Date.now() - 86_400_000 })
 * @throws ColonyError `forbidden` below the admin role, `invalid_input` for a bad cursor.
 */
export async function listAuditEntries(
  context: Context,
  query: AuditQuery = {},
): Promise<{ entries: AuditRecord[]; nextCursor: string | null }> {
  requireRole(context.actor, 'admin');
  const limit = query.limit ?? 50;
  let select = context.services.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('org_id', '=', context.actor.orgId);
  if (query.actor !== undefined) select = select.where('actor_id', '=', query.actor);
  if (query.action !== undefined) {
    const { action } = query;
    select = action.endsWith('.*')
      ? // The filter's pattern admits no LIKE wildcard, so the prefix needs no escaping.
        select.where('action', 'like', `${action.slice(0, -1)}%`)
      : select.where('action', '=', action);
  }
  if (query.resourceType !== undefined) select = select.where('resource_type', '=', query.resourceType);
  if (query.resourceId !== undefined) select = select.where('resource_id', '=', query.resourceId);
  if (query.since !== undefined) select = select.where('created_at', '>=', query.since);
  if (query.until !== undefined) select = select.where('created_at', '<', query.until);
  if (query.cursor !== undefined) {
    const after = parseCursor(query.cursor);
    select = select.where((builder) =>
      builder.or([
        builder('created_at', '<', after.createdAt),
        builder.and([builder('created_at', '=', after.createdAt), builder('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const entries = rows.slice(0, limit).map(toAuditRecord);
  const last = entries.at(-1);
  return {
    entries,
    nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
  };
}
