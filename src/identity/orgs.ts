import type { Services } from '../context/index.js';
import { transact } from '../events/index.js';

export interface Org {
  id: string;
  name: string;
  createdAt: number;
}

/** Creates an org. Orgs are made by the operator (bootstrap, CLI), not over the public API. */
export async function createOrg(services: Services, input: { name: string }): Promise<Org> {
  const org = { id: services.ids.next('org'), name: input.name, createdAt: services.clock.now() };
  await transact(services, async (transaction, outbox) => {
    await transaction
      .insertInto('org')
      .values({ id: org.id, name: org.name, created_at: org.createdAt })
      .execute();
    await outbox.emit({ type: 'org-created', orgId: org.id, subjectId: org.id, payload: { name: org.name } });
  });
  return org;
}
