/**
 * Webhooks bench: deliveries to a local receiver, in-process Colony (2 × its default worker
 * count is not enough for an I/O-bound handler, so `BENCH_WORKERS`, default 16), embedded SQLite
 * unless `BENCH_DIALECT=postgres`. Events are committed with the outbox directly (one
 * `agent-created` each), so what is timed is the webhook path alone: dispatcher → delivery row
 * and task → claim → signed POST → outcome recorded.
 *
 * - throughput: `BENCH_EVENTS` (default 2000) events committed in transactions of 100; deliveries
 *   per second from the first commit to the last message received.
 * - latency: `BENCH_SAMPLES` (default 300) events committed one at a time, 20 ms apart; from the
 *   commit returning to the receiver reading the message.
 *
 * Targets (issue 13): ≥ 1,000 deliveries/s and p95 enqueue→delivered ≤ 50 ms. Writes
 * `## webhooks` in bench/RESULTS.md.
 *
 *   npm run bench:webhooks
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Webhook } from 'standardwebhooks';
import { transact } from '../../src/events/index.js';
import { createHttpHarness } from '../../src/http/test-support/http-harness.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const dialect = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const workers = Number(process.env.BENCH_WORKERS ?? 16);
const events = Number(process.env.BENCH_EVENTS ?? 1000);
const samples = Number(process.env.BENCH_SAMPLES ?? 200);

/**
 * The machine's ceiling for this receiver: bare keep-alive POSTs of the same size from the same
 * process at the same concurrency, nothing else (no database, no signing).
 */
async function rawPostsPerSecond(url: string, body: string, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next++ < count) {
        await new Promise<void>((resolve, reject) => {
          const outgoing = httpRequest(
            url,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (response) => {
              response.resume();
              response.on('end', () => resolve());
            },
          );
          outgoing.on('error', reject);
          outgoing.end(body);
        });
      }
    }),
  );
  agent.destroy();
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const arrivals = new Map<string, number>();
  let verifier: Webhook | undefined;
  let verifyFailures = 0;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url?.endsWith('?raw')) {
        response.end('ok');
        return;
      }
      try {
        const message = verifier?.verify(body, request.headers as Record<string, string>) as {
          data: { id: string };
        };
        if (!arrivals.has(message.data.id)) arrivals.set(message.data.id, at);
      } catch {
        verifyFailures++;
      }
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const harness = await createHttpHarness(dialect, {
    workers: true,
    config: { workers, webhooks: { allowPrivate: true } },
  });
  const load = loadavg()[0]?.toFixed(1);
  try {
    const created = (await (
      await harness.request('POST', '/v1/webhooks', { body: { url, eventTypes: ['agent-created'] } })
    ).json()) as { secret: string };
    verifier = new Webhook(created.secret);
    const { services } = harness.colony;
    const commit = async (count: number, offset: number): Promise<string[]> => {
      const stored = await transact(services, (_transaction, outbox) =>
        outbox.emit(
          ...Array.from({ length: count }, (_, index) => ({
            type: 'agent-created' as const,
            orgId: harness.orgId,
            subjectId: `agt_bench_${offset + index}`,
            payload: { name: `bench-${offset + index}`, version: 1 },
          })),
        ),
      );
      return stored.map((event) => event.id);
    };
    const waitFor = async (ids: readonly string[], timeoutMs: number) => {
      const deadline = performance.now() + timeoutMs;
      while (ids.some((id) => !arrivals.has(id))) {
        if (performance.now() > deadline) throw new Error(`only ${arrivals.size} messages arrived`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    // Warm-up.
    await waitFor(await commit(50, 0), 30_000);

    const started = performance.now();
    const batchIds: string[] = [];
    for (let offset = 0; offset < events; offset += 100) {
      batchIds.push(...(await commit(Math.min(100, events - offset), 1000 + offset)));
    }
    await waitFor(batchIds, 120_000);
    const lastArrival = Math.max(...batchIds.map((id) => arrivals.get(id) ?? 0));
    const seconds = (lastArrival - started) / 1000;
    const throughput = events / seconds;

    const sampleBody = JSON.stringify({
      type: 'agent-created',
      timestamp: new Date(0).toISOString(),
      data: {
        id: 'evt_x',
        seq: 1,
        orgId: harness.orgId,
        type: 'agent-created',
        payload: { name: 'bench-0', version: 1 },
      },
    });
    const raw = await rawPostsPerSecond(`${url}?raw`, sampleBody, events);

    const latencies: number[] = [];
    for (let index = 0; index < samples; index++) {
      const [id] = await commit(1, 100_000 + index);
      const committed = performance.now();
      if (!id) throw new Error('no event stored');
      await waitFor([id], 10_000);
      latencies.push((arrivals.get(id) ?? committed) - committed);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    latencies.sort((left, right) => left - right);
    const p95 = percentile(latencies, 95);
    const table = markdownTable(
      ['measurement', 'result', 'target', 'met'],
      [
        [
          `throughput: ${events} events, commits of 100`,
          `${throughput.toFixed(0)} deliveries/s (${seconds.toFixed(2)} s)`,
          '≥ 1,000/s',
          throughput >= 1000 ? 'yes' : 'no',
        ],
        [
          `ceiling: ${events} bare keep-alive POSTs to the same receiver, same concurrency`,
          `${raw.toFixed(0)} POSTs/s (deliveries reach ${((throughput / raw) * 100).toFixed(0)} % of it)`,
          '—',
          '—',
        ],
        [
          `enqueue→delivered, ${samples} single events 20 ms apart: p50 / p95 / p99`,
          `${percentile(latencies, 50).toFixed(1)} / ${p95.toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`,
          'p95 ≤ 50 ms',
          p95 <= 50 ? 'yes' : 'no',
        ],
      ],
    );
    const body = [
      machineLine(),
      '',
      `\`npm run bench:webhooks\` (\`BENCH_DIALECT=${dialect}\`) — in-process Colony on ${dialect}, ${workers} workers, one subscription to a local Node receiver that verifies every signature (\`standardwebhooks\`) and answers 200 at once. Timed: from the event's commit (outbox) to the receiver reading the signed POST — dispatcher, delivery row and task, claim, signing, POST, outcome recorded. Signature failures: ${verifyFailures}. Load average at the start: ${load} (shared machine).`,
      '',
      table,
    ].join('\n');
    writeSection(`webhooks (${dialect})`, body);
    console.log(body);
  } finally {
    await harness.close();
    receiver.close();
  }
}

await main();
