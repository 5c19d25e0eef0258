import type { Actor } from '../../context/index.js';
import { createTestServices, type TestServices } from '../../context/test-support/services.js';
import { createManualClock } from '../../kernel/index.js';
import type { DialectName } from '../../storage/index.js';
import {
  createMemoryRuntime,
  type MemoryContext,
  type MemoryRuntime,
  type MemoryRuntimeOptions,
} from '../runtime.js';

export interface MemoryTestServices {
  base: TestServices;
  runtime: MemoryRuntime;
  clock: ReturnType<typeof createManualClock>;
  /** An org with one user; `actor` acts as that user (role member unless given). */
  createUser(orgId?: string, role?: Actor['role']): Promise<Actor>;
  context(actor: Actor): MemoryContext;
  cleanup(): Promise<void>;
}

/** Test services with a manual clock and a memory runtime (offline embedder unless given). */
export async function createMemoryTestServices(
  dialect: DialectName,
  options: MemoryRuntimeOptions = {},
): Promise<MemoryTestServices> {
  const base = await createTestServices(dialect);
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const services = { ...base.services, clock };
  const runtime = createMemoryRuntime(services, options);
  const memoryServices = { ...services, memory: runtime };
  return {
    base,
    runtime,
    clock,
    async createUser(orgId, role = 'member') {
      const org = orgId ?? (await base.createOrg()).orgId;
      const userId = base.services.ids.next('usr');
      await base.services.database.db
        .insertInto('user_account')
        .values({
          id: userId,
          org_id: org,
          email: `${userId}@example.com`,
          name: userId,
          role,
          created_at: clock.now(),
        })
        .execute();
      return { kind: 'user', id: userId, orgId: org, role, userId };
    },
    context(actor) {
      return { services: memoryServices, actor, signal: new AbortController().signal };
    },
    async cleanup() {
      await runtime.close();
      await base.cleanup();
    },
  };
}
