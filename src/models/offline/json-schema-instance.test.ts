import { describe, expect, it } from 'vitest';
import { minimalInstance } from './json-schema-instance.js';

describe('minimalInstance', () => {
  it('fills required properties, bounds, formats, refs and unions', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 4 },
        count: { type: 'integer', exclusiveMinimum: 2 },
        ratio: { type: 'number', maximum: -1 },
        flag: { type: 'boolean' },
        when: { type: 'string', format: 'date-time' },
        kind: { const: 'fixed' },
        tags: { type: 'array', items: { type: 'string' } },
        pair: { type: 'array', minItems: 2, items: { $ref: '#/$defs/leaf' } },
        maybe: { anyOf: [{ type: 'null' }, { type: 'number' }] },
        optional: { type: 'string' },
      },
      required: ['name', 'count', 'ratio', 'flag', 'when', 'kind', 'tags', 'pair', 'maybe'],
      $defs: { leaf: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
    };
    expect(minimalInstance(schema, 'hello')).toEqual({
      name: 'hell',
      count: 3,
      ratio: -1,
      flag: false,
      when: '1970-01-01T00:00:00.000Z',
      kind: 'fixed',
      tags: [],
      pair: [{ id: 'hello' }, { id: 'hello' }],
      maybe: 0,
    });
  });

  it('uses a placeholder string when the user said nothing', () => {
    expect(minimalInstance({ type: 'string' }, '')).toBe('offline');
  });
});
