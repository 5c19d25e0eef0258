import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../events/index.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * Prometheus metrics: process defaults, HTTP latency by route, and counters fed from the event
 * bus (runs by outcome, model tokens, tool calls) so capabilities need not know about metrics.
 */
export function createMetrics(bus: EventBus): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'colony_' });
  const httpDuration = new Histogram({
    name: 'colony_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const runs = new Counter({
    name: 'colony_runs_finished_total',
    help: 'Agent runs that reached a final state',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'colony_model_tokens_total',
    help: 'Model tokens used by agent runs',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const toolCalls = new Counter({
    name: 'colony_tool_calls_total',
    help: 'Tool calls that finished',
    labelNames: ['tool', 'outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'colony_events_total',
    help: 'Stored events by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  bus.onStored((stored) => {
    for (const event of stored) {
      events.inc({ type: event.type });
      if (event.type === 'run-succeeded' || event.type === 'run-failed' || event.type === 'run-canceled') {
        runs.inc({ status: event.type.slice(4) });
      } else if (event.type === 'run-step-end') {
        const usage = event.payload.usage as { inputTokens?: number; outputTokens?: number } | undefined;
        tokens.inc({ direction: 'input' }, usage?.inputTokens ?? 0);
        tokens.inc({ direction: 'output' }, usage?.outputTokens ?? 0);
      } else if (event.type === 'tool-call-end') {
        toolCalls.inc({
          tool: String(event.payload.toolName ?? 'unknown'),
          outcome: event.payload.error ? 'error' : 'ok',
        });
      }
    }
  });
  return { registry, httpDuration };
}
