import { createHash } from 'node:crypto';
import type { Context as HonoContext } from 'hono';
import type { Context } from '../../context/index.js';
import { ColonyError, invalidInput } from '../../errors/index.js';
import type { UnitOfWorkGuard } from '../../events/index.js';
import {
  claimRecord,
  completeRecord,
  deleteExpiredRecords,
  findRecord,
  type RecordKey,
  type StoredResponse,
} from '../../idempotency/index.js';
import type { HttpServices } from '../http-services.js';
import { idempotencyKeySchema } from './idempotency-schema.js';

export interface IdempotentResponse<Body> {
  status: number;
  body: Body;
}

/** A creating request: the use case to run and how its result becomes the response. */
export interface IdempotentRequest<Ctx extends Context, Result, Body> {
  /** The validated body without `idempotencyKey`: fingerprinted with the method and the path. */
  body: unknown;
  /** The body's `idempotencyKey` field, on routes that have one. */
  bodyKey?: string | undefined;
  /** Runs the use case, which passes `context.idempotency` to the transaction that creates. */
  run(context: Ctx): Promise<Result>;
  respond(result: Result): IdempotentResponse<Body>;
  /** What is stored instead of the response (a new API key's plaintext is never stored). */
  store?(response: IdempotentResponse<Body>): IdempotentResponse<unknown>;
  /** The answer to a replay instead of the stored response; may throw. */
  replay?(stored: StoredResponse): IdempotentResponse<Body>;
}

export type IdempotentOutcome<Result, Body> = IdempotentResponse<Body> &
  ({ replayed: false; result: Result } | { replayed: true });

/** Thrown inside the creating transaction when the key already has a record: rolls it back. */
class KeyAlreadyRecorded extends Error {}

/** JSON with object keys sorted, so equal bodies fingerprint equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function keyOf(http: HonoContext, bodyKey: string | undefined): string | undefined {
  const header = http.req.header('Idempotency-Key');
  if (header === undefined) return bodyKey;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw invalidInput('Idempotency-Key', parsed.error.issues[0]?.message ?? 'invalid');
  if (bodyKey !== undefined && bodyKey !== header) {
    throw invalidInput('Idempotency-Key', 'differs from the body field idempotencyKey; send one key');
  }
  return header;
}

const sweptAt = new WeakMap<HttpServices['database'], number>();
const sweepIntervalMs = 60_000;

/** Deletes expired records at most once a minute per process, after a creating request. */
function sweepExpired(services: HttpServices, now: number): void {
  const database = services.database;
  if (now - (sweptAt.get(database) ?? 0) < sweepIntervalMs) return;
  sweptAt.set(database, now);
  deleteExpiredRecords(database.db, now).catch((error: unknown) =>
    services.logger.warn({ err: error }, 'could not delete expired idempotency records'),
  );
}

/**
 * Runs a creating request under its `Idempotency-Key` (header, or the body's `idempotencyKey`):
 * the first request's response is stored in the transaction that creates, and a retry with the same
 * key and the same method, path and body gets that response again (`Idempotent-Replayed: true`)
 * instead of a second creation. A concurrent duplicate waits for the first one's transaction and
 * then replays it. The same key with another request is `unprocessable` (422). Without a key the
 * use case just runs. Records live a day (`idempotencyTtlMs`); errors are not stored.
 */
export async function idempotently<Ctx extends Context, Result, Body>(
  http: HonoContext,
  services: HttpServices,
  context: Ctx,
  request: IdempotentRequest<Ctx, Result, Body>,
): Promise<IdempotentOutcome<Result, Body>> {
  const key = keyOf(http, request.bodyKey);
  if (key === undefined) {
    const result = await request.run(context);
    return { ...request.respond(result), replayed: false, result };
  }
  const record: RecordKey = {
    orgId: context.actor.orgId,
    actorId: context.actor.id,
    route: `${http.req.method} ${http.req.routePath}`,
    key,
  };
  const fingerprint = createHash('sha256')
    .update(`${http.req.method} ${http.req.path}\n${canonicalJson(request.body)}`)
    .digest('hex');
  const replay = (stored: StoredResponse): IdempotentOutcome<Result, Body> => {
    if (stored.fingerprint !== fingerprint) {
      throw new ColonyError(
        'unprocessable',
        `Idempotency-Key "${key}" was already used for a different request (method, path or body); use a new key for a new request`,
        { fields: [{ path: 'Idempotency-Key', message: 'already used for a different request' }] },
      );
    }
    const response = request.replay?.(stored) ?? (stored as IdempotentResponse<Body>);
    http.header('Idempotent-Replayed', 'true');
    return { status: response.status, body: response.body, replayed: true };
  };
  const stored = await findRecord(services.database.db, record, services.clock.now());
  if (stored) return replay(stored);

  for (let attempt = 1; ; attempt++) {
    let completed = false;
    const guard: UnitOfWorkGuard = {
      async claim(transaction) {
        if (!(await claimRecord(transaction, record, fingerprint, services.clock.now()))) {
          throw new KeyAlreadyRecorded();
        }
      },
      async complete(transaction, value) {
        const response = request.respond(value as Result);
        await completeRecord(transaction, record, request.store?.(response) ?? response);
        completed = true;
      },
    };
    const guarded = {
      services: context.services,
      actor: context.actor,
      get signal() {
        return context.signal;
      },
      idempotency: guard,
    } as Ctx;
    try {
      const result = await request.run(guarded);
      const response = request.respond(result);
      // A use case that created nothing in a guarded transaction still answers replays the same.
      if (!completed) {
        await services.database.transaction(async (transaction) => {
          await guard.claim(transaction);
          await guard.complete(transaction, result);
        });
      }
      sweepExpired(services, services.clock.now());
      return { ...response, replayed: false, result };
    } catch (error) {
      if (!(error instanceof KeyAlreadyRecorded)) throw error;
      // Read through the writer: on SQLite the first request may share a commit not yet durable.
      const first = await services.database.transaction((transaction) =>
        findRecord(transaction, record, services.clock.now()),
      );
      if (first) return replay(first);
      // The first request's transaction rolled back after all: this one may create.
      if (attempt >= 3) {
        throw new ColonyError(
          'conflict',
          `a request with Idempotency-Key "${key}" is being processed; retry`,
        );
      }
    }
  }
}
