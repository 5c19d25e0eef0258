import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configDefaults } from '../config/index.js';
import { needsApproval } from './approval-policy.js';
import { getTimeTool } from './get-time.js';
import { createHttpRequestTool } from './http/http-request-tool.js';
import type { ToolDefinition } from './tool-definition.js';

const http = createHttpRequestTool(configDefaults.tools.http);
const post = { endpoint: 'crm', method: 'POST' as const };
const get = { url: 'https://example.com' };

describe('needsApproval', () => {
  it("uses the tool's own default when the agent sets no policy", () => {
    expect(needsApproval(http, post, undefined)).toBe(true);
    expect(needsApproval(http, get, { tools: {} })).toBe(false);
    expect(needsApproval(getTimeTool, {}, { tools: {} })).toBe(false);
  });

  it("prefers the agent's policy for the tool over its default", () => {
    expect(needsApproval(http, post, { default: 'always', tools: { http_request: 'never' } })).toBe(false);
    expect(needsApproval(http, get, { default: 'never', tools: { http_request: 'always' } })).toBe(true);
    expect(needsApproval(getTimeTool, {}, { default: 'always', tools: {} })).toBe(true);
  });

  it('waits under `mutating` only for calls that change something; a tool that cannot tell counts as mutating', () => {
    const mutating = { tools: { http_request: 'mutating' as const, opaque: 'mutating' as const } };
    expect(needsApproval(http, post, mutating)).toBe(true);
    expect(needsApproval(http, get, mutating)).toBe(false);
    expect(needsApproval(getTimeTool, {}, { default: 'mutating', tools: {} })).toBe(false);
    const opaque: ToolDefinition<object, null> = {
      name: 'opaque',
      description: 'a tool that does not say what it changes',
      inputSchema: z.object({}),
      requiresApproval: () => false,
      idempotent: true,
      execute: async () => null,
    };
    expect(needsApproval(opaque, {}, mutating)).toBe(true);
  });
});
