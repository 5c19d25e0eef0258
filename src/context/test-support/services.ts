import { createEventBus } from '../../events/index.js';
import { createIdGenerator, systemClock } from '../../kernel/index.js';
import { createSilentLogger } from '../../observability/index.js';
import type { DialectName } from '../../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../../storage/test-support/databases.js';
import type { Actor, Context, Role, Services } from '../types.js';

export interface TestServices {
  services: Services;
  test: TestDatabase;
  /** Creates an org row and returns an actor of that org with the given role. */
  createOrg(name?: string, role?: Role): Promise<Actor>;
  context(actor: Actor): Context;
  cleanup(): Promise<void>;
}

/** Fresh services over a fresh, migrated database of `dialect`. */
export async function createTestServices(dialect: DialectName): Promise<TestServices> {
  const test = await createTestDatabase(dialect);
  const ids = createIdGenerator();
  const services: Services = {
    database: test.database,
    bus: createEventBus(),
    clock: systemClock,
    ids,
    logger: createSilentLogger(),
  };
  return {
    services,
    test,
    async createOrg(name = 'test org', role: Role = 'owner') {
      const orgId = ids.next('org');
      await test.database.db.insertInto('org').values({ id: orgId, name, created_at: Date.now() }).execute();
      return { kind: 'api_key', id: ids.next('key'), orgId, role };
    },
    context(actor) {
      return { services, actor, signal: new AbortController().signal };
    },
    cleanup: () => test.cleanup(),
  };
}
