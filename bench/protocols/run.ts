/**
 * Protocols bench: one full chat turn (message in → final answer out) with the offline model,
 * through the direct API (`POST /v1/chats/:id/messages`, SSE read to its end), MCP `ask_agent`
 * (the SDK's client over streamable HTTP, protocol 2026-07-28) and A2A `SendMessage` (the
 * official `@a2a-js/sdk` client), all over a real local port on the embedded SQLite default with
 * 2 workers. What each protocol adds is its p50 minus the direct p50. Writes `## protocols` in
 * bench/RESULTS.md.
 *
 *   node --import tsx bench/protocols/run.ts
 */
import type { AddressInfo } from 'node:net';
import { Role } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { serve } from '@hono/node-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createHttpHarness } from '../../src/http/test-support/http-harness.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 100);
const warmup = 10;

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const harness = await createHttpHarness('sqlite', { workers: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: harness.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(listening),
    );
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = harness.keys.owner;
  const mcp = new Client(
    { name: 'bench', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  try {
    await harness.request('POST', '/v1/agents', { body: { name: 'bench' } });
    const chatOf = async () =>
      (
        (await (await harness.request('POST', '/v1/chats', { body: { agent: 'bench' } })).json()) as {
          id: string;
        }
      ).id;
    const chats = { direct: await chatOf(), mcp: await chatOf(), a2a: await chatOf() };
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', base), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    const fetchImpl: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('Authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
    const a2a = await new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    }).createFromUrl(`${base}/a2a/agents/bench/`);
    let sequence = 0;
    const paths = {
      direct: async () => {
        const response = await fetch(`${base}/v1/chats/${chats.direct}/messages`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${key}`,
            'Content-Type': 'application/json',
            Accept: 'text/event-stream',
          },
          body: JSON.stringify({ content: 'hello' }),
        });
        const text = await response.text();
        if (!text.includes('run-succeeded')) throw new Error(`direct: no answer: ${text.slice(-300)}`);
      },
      mcp: async () => {
        const result = await mcp.callTool({
          name: 'ask_agent',
          arguments: { chatId: chats.mcp, message: 'hello' },
        });
        if (result.isError) throw new Error('mcp: tool error');
      },
      a2a: async () => {
        await a2a.sendMessage({
          tenant: '',
          message: {
            messageId: `m-${++sequence}`,
            contextId: chats.a2a,
            taskId: '',
            role: Role.ROLE_USER,
            parts: [
              {
                content: { $case: 'text', value: 'hello' },
                metadata: undefined,
                filename: '',
                mediaType: '',
              },
            ],
            metadata: undefined,
            extensions: [],
            referenceTaskIds: [],
          },
          configuration: undefined,
          metadata: undefined,
        });
      },
    };
    for (let index = 0; index < warmup; index++) for (const run of Object.values(paths)) await run();
    const times = { direct: [] as number[], mcp: [] as number[], a2a: [] as number[] };
    for (let index = 0; index < samples; index++) {
      for (const [name, run] of Object.entries(paths))
        times[name as keyof typeof times].push(await timed(run));
    }
    const sorted = (values: number[]) => [...values].sort((left, right) => left - right);
    const p50 = (values: number[]) => percentile(sorted(values), 50);
    const row = (name: string, values: number[]) => [
      name,
      p50(values).toFixed(2),
      percentile(sorted(values), 95).toFixed(2),
      (p50(values) - p50(times.direct)).toFixed(2),
    ];
    const body = [
      machineLine(),
      '',
      `Command: \`node --import tsx bench/protocols/run.ts\` — a real local port, SQLite, offline model, 2 workers; ${samples} turns per path after ${warmup} warm-up rounds, interleaved, one chat per path (each sample a new turn, waited for to its final answer).`,
      '',
      markdownTable(
        ['path', 'turn p50 ms', 'p95 ms', 'added at p50 ms'],
        [
          row('direct (POST /v1/chats/:id/messages, SSE to the end)', times.direct),
          row('MCP ask_agent (SDK client, 2026-07-28)', times.mcp),
          row('A2A SendMessage (@a2a-js/sdk client)', times.a2a),
        ],
      ),
    ].join('\n');
    writeSection('protocols', body);
    console.log(body);
  } finally {
    await mcp.close().catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await harness.close();
  }
}

await main();
