import type { Kysely } from 'kysely';
import type { Actor, Services } from '../context/index.js';
import type { Schema } from '../storage/index.js';
import { prepareInsert, toJson } from '../storage/index.js';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
}

const insertAudit = prepareInsert('audit_log', [
  'id',
  'org_id',
  'actor_kind',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'ip',
  'request_id',
  'details',
  'created_at',
]);

/**
 * Writes one audit_log row (who, what, when, from where) inside the mutation's transaction,
 * so an audited change and its audit row commit or roll back together.
 */
export async function recordAudit(
  transaction: Kysely<Schema>,
  services: Pick<Services, 'ids' | 'clock'>,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await insertAudit(transaction, {
    id: services.ids.next('aud'),
    org_id: actor.orgId,
    actor_kind: actor.kind,
    actor_id: actor.id,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId ?? null,
    ip: actor.ip ?? null,
    request_id: actor.requestId ?? null,
    details: toJson(entry.details ?? {}),
    created_at: services.clock.now(),
  });
}
