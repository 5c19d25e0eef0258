/**
 * OpenAI bench: time to first token through `POST /v1/chat/completions` (stream) against a direct
 * run (`POST /v1/chats/:id/messages` with `Accept: text/event-stream`), both in-process on the
 * embedded SQLite default with the offline model and 2 workers. Each sample starts a new turn in
 * its chat and stops at the first text it reads. Target (issue 13): the OpenAI route adds ≤ 5 ms
 * at p50. Writes `## openai` in bench/RESULTS.md.
 *
 *   node --import tsx bench/openai/run.ts
 */
import { createHttpHarness, type HttpHarness } from '../../src/http/test-support/http-harness.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 200);
const warmup = 20;

/** Milliseconds from sending `request` until its body first contains `marker`. */
async function timeToFirst(harness: HttpHarness, request: Request, marker: string): Promise<number> {
  const started = performance.now();
  const response = await harness.app.request(request);
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`no body (${response.status})`);
  let text = '';
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the stream ended before "${marker}": ${text.slice(0, 300)}`);
    text += new TextDecoder().decode(chunk.value);
    if (text.includes(marker)) break;
  }
  const elapsed = performance.now() - started;
  // Read to the end: the next sample starts with the chat idle.
  while (!(await reader.read()).done) {}
  return elapsed;
}

function post(
  harness: HttpHarness,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Request {
  return new Request(`http://bench${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${harness.keys.owner}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function main(): Promise<void> {
  const harness = await createHttpHarness('sqlite', { workers: true });
  try {
    await harness.request('POST', '/v1/agents', { body: { name: 'bench' } });
    const chat = (await (
      await harness.request('POST', '/v1/chats', { body: { agent: 'bench' } })
    ).json()) as {
      id: string;
    };
    const direct = () =>
      timeToFirst(
        harness,
        post(harness, `/v1/chats/${chat.id}/messages`, { content: 'hello' }, { Accept: 'text/event-stream' }),
        'event: run-text-delta',
      );
    const openai = () =>
      timeToFirst(
        harness,
        post(
          harness,
          '/v1/chat/completions',
          { model: 'bench', messages: [{ role: 'user', content: 'hello' }], stream: true },
          { 'X-Colony-Chat-Id': chat.id },
        ),
        '"content":"[offline',
      );
    for (let index = 0; index < warmup; index++) {
      await direct();
      await openai();
    }
    const times = { direct: [] as number[], openai: [] as number[] };
    for (let index = 0; index < samples; index++) {
      times.direct.push(await direct());
      times.openai.push(await openai());
    }
    const row = (name: string, values: number[]) => {
      const sorted = [...values].sort((left, right) => left - right);
      return [
        name,
        percentile(sorted, 50).toFixed(2),
        percentile(sorted, 95).toFixed(2),
        percentile(sorted, 99).toFixed(2),
      ];
    };
    const p50 = (values: number[]) =>
      percentile(
        [...values].sort((left, right) => left - right),
        50,
      );
    const added = p50(times.openai) - p50(times.direct);
    const table = markdownTable(
      ['path', 'TTFT p50 ms', 'p95 ms', 'p99 ms'],
      [
        row('direct run (POST /v1/chats/:id/messages, SSE)', times.direct),
        row('POST /v1/chat/completions, stream', times.openai),
      ],
    );
    const body = [
      `${machineLine()}`,
      '',
      `Command: \`node --import tsx bench/openai/run.ts\` — in-process (\`app.request\`), SQLite, offline model, 2 workers; ${samples} samples per path after ${warmup} warm-up pairs, interleaved, one chat (each sample a new turn).`,
      '',
      table,
      '',
      `Added by /v1/chat/completions at p50: **${added.toFixed(2)} ms** (target ≤ 5 ms: ${added <= 5 ? 'met' : 'not met'}).`,
    ].join('\n');
    writeSection('openai', body);
    console.log(body);
  } finally {
    await harness.close();
  }
}

await main();
