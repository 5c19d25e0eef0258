import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog } from '../events/index.js';
import { createHttpHarness, type HttpHarness } from './test-support/http-harness.js';

interface SchemaObject {
  oneOf?: SchemaObject[];
  properties?: Record<string, SchemaObject & { const?: unknown; enum?: unknown[] }>;
  required?: string[];
  discriminator?: { propertyName: string };
}

describe('the StoredEvent schema of /openapi.json', () => {
  let harness: HttpHarness;
  beforeAll(async () => {
    harness = await createHttpHarness('sqlite');
  });
  afterAll(() => harness.close());

  it('has one oneOf member per catalog type, keyed by `type`, with its payload fields', async () => {
    const document = (await (await harness.request('GET', '/openapi.json', { key: null })).json()) as {
      components: { schemas: Record<string, SchemaObject> };
    };
    const schema = document.components.schemas.StoredEvent;
    const members = schema?.oneOf ?? [];
    const typeOf = (member: SchemaObject) => {
      const property = member.properties?.type;
      return property?.const ?? property?.enum?.[0];
    };
    expect(members.map(typeOf).sort()).toEqual(Object.keys(eventCatalog).sort());
    const updated = members.find((member) => typeOf(member) === 'agent-updated');
    expect(updated?.properties?.payload?.required).toEqual(['version']);
    expect(updated?.required).toEqual(expect.arrayContaining(['seq', 'type', 'orgId', 'payload']));
  });
});
