import type { Hono } from 'hono';
import type { RunScheduler } from '../chats/index.js';
import type { AgentChooser } from '../collaboration/index.js';
import type { Config } from '../config/index.js';
import type { Actor } from '../context/index.js';
import type { Authenticate } from '../identity/index.js';
import type { McpHub } from '../mcp/index.js';
import type { Metrics } from '../observability/index.js';
import type { RunResumer, RuntimeServices } from '../runtime/index.js';
import type { SecretVault } from '../secrets/index.js';
import type { RateLimiter } from './rate-limiter.js';

/** Everything the HTTP adapter needs; assembled once by the server. */
export interface HttpServices extends RuntimeServices {
  config: Readonly<Config>;
  authenticate: Authenticate;
  runs: RunScheduler;
  runResumer: RunResumer;
  metrics: Metrics;
  /** Connections to MCP servers (the registry's use cases forget a server's on edit). */
  mcp: McpHub;
  /** The key org secrets are sealed with (`/v1/secrets`). */
  secrets: SecretVault;
  /** Per-key request budgets; an in-process limiter when absent. */
  rateLimiter?: RateLimiter;
  /** Picks an agent for a capability (delegation); the expert gate replaces the default. */
  chooseAgent: AgentChooser;
  /** Readiness beyond the database (migrations current, workers running). */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
}

export interface HttpVariables {
  requestId: string;
  actor: Actor;
}

export type HttpEnvironment = { Variables: HttpVariables };
export type HttpApp = Hono<HttpEnvironment>;
