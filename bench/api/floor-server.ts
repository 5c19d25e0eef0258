// The floor that bench/api compares Colony with: `GET /v1/agents` served by plain node:http and
// better-sqlite3 from the same database file, doing the same work as Colony's route (hash the
// bearer key, look the key up, read the org's live agents with their current versions, write
// the same JSON), and none of the rest: no framework, routing, validation, request ids, metrics
// or access checks beyond the key. What this serves on a machine bounds what Colony can.
// Run: node --import tsx bench/api/floor-server.ts <colony.db> <port>
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import type { Row } from '../../src/storage/schema.js';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: floor-server.ts <colony.db> <port>');

const db = new Database(file, { readonly: true });
const keyByPrefix = db.prepare('select id, org_id, secret_hash, revoked_at from api_key where prefix = ?');
// The same statements as Colony's: the page of agents, then versions only when not cached.
const liveAgents = db.prepare(
  'select * from agent where org_id = ? and deleted_at is null order by id asc limit 51',
);
const versionOf = db.prepare('select * from agent_version where agent_id = ? and version = ?');

type AgentRow = Row<'agent'>;
type VersionRow = Row<'agent_version'>;

// Versions are immutable: parsed definitions are cached, as Colony caches them.
const definitions = new Map<string, Record<string, unknown>>();
function definitionOf(row: AgentRow): Record<string, unknown> {
  const key = `${row.id}@${row.current_version}`;
  let definition = definitions.get(key);
  if (!definition) {
    const version = versionOf.get(row.id, row.current_version) as VersionRow;
    definition = {
      description: version.description,
      instructions: version.instructions,
      model: version.model,
      tools: JSON.parse(version.tools),
      capabilities: JSON.parse(version.capabilities),
      memoryPolicy: JSON.parse(version.memory_policy),
      limits: JSON.parse(version.limits),
      endpoints: JSON.parse(version.endpoints),
      approvals: { tools: {}, ...JSON.parse(version.approvals) },
    };
    definitions.set(key, definition);
  }
  return definition;
}

function orgOf(authorization: string | undefined): string | null {
  if (!authorization?.startsWith('Bearer ')) return null;
  const key = authorization.slice(7).trim();
  const hash = createHash('sha256').update(key).digest('hex');
  const prefix = /^ck_([a-z0-9]{10})_/.exec(key)?.[1] ?? `preset${hash.slice(0, 4)}`;
  const row = keyByPrefix.get(prefix) as
    | { org_id: string; secret_hash: string; revoked_at: number | null }
    | undefined;
  if (!row || row.revoked_at !== null) return null;
  const stored = Buffer.from(row.secret_hash, 'hex');
  const presented = Buffer.from(hash, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented) ? row.org_id : null;
}

createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{"status":"ok"}');
    return;
  }
  const orgId = orgOf(request.headers.authorization);
  if (!orgId) {
    response.writeHead(401, { 'Content-Type': 'application/json' });
    response.end('{"error":{"code":"unauthenticated","message":"invalid API key"}}');
    return;
  }
  const rows = liveAgents.all(orgId) as AgentRow[];
  const page = rows.slice(0, 50);
  const agents = page.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    version: Number(row.current_version),
    ...definitionOf(row),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
  const nextCursor = rows.length > 50 ? (page.at(-1)?.id ?? null) : null;
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ agents, nextCursor }));
}).listen(Number(port), '127.0.0.1');
