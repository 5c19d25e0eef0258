/**
 * Workflow benchmarks on SQLite, in one process: `node --import tsx bench/workflows/run.ts`.
 * Prints a table and writes it to bench/RESULTS.md (## workflows).
 */
import { systemActor } from '../../src/context/index.js';
import { createTestServices } from '../../src/context/test-support/services.js';
import { createWorkerPool, waitForTask } from '../../src/tasks/index.js';
import { createWorkflowHandlers } from '../../src/workflows/run-handler.js';
import { startWorkflowRun } from '../../src/workflows/workflow-runs.js';
import { applyWorkflow } from '../../src/workflows/workflows.js';
import { machineLine, markdownTable, percentile, writeSection } from '../shared/results.js';

const rows: string[][] = [];
const record = (name: string, value: string, target: string, met: boolean | null) => {
  rows.push([name, value, target, met === null ? '—' : met ? 'yes' : '**no**']);
  console.log(`${name}: ${value} (target ${target})${met === false ? '  MISSED' : ''}`);
};

const base = await createTestServices('sqlite');
const org = await base.createOrg('bench');
const context = base.context({ ...systemActor(org.orgId, 'bench'), role: 'owner' });
const pool = createWorkerPool(base.services, {
  handlers: createWorkflowHandlers(base.services),
  concurrency: 4,
  pollIntervalMs: 1000,
});
pool.start();

const noop = (count: number, prefix = 'step') =>
  Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    type: 'set',
    values: { n: index },
  }));

/** Milliseconds from start request to the run's task finished, per run. */
async function timeRuns(workflow: string, runs: number, input: unknown = {}): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    const run = await startWorkflowRun(context, { workflow, input });
    const task = await waitForTask(base.services, run.taskId, { timeoutMs: 60_000 });
    if (task.status !== 'succeeded') throw new Error(`${workflow}: task ${task.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

await applyWorkflow(context, { name: 'one-step', steps: noop(1) });
await applyWorkflow(context, { name: 'ten-steps', steps: noop(10) });
await applyWorkflow(context, { name: 'hundred-steps', steps: noop(100) });
await applyWorkflow(context, {
  name: 'map-100',
  steps: [
    {
      id: 'each',
      type: 'map',
      items: '[1..100]',
      concurrency: 10,
      steps: [{ id: 'double', type: 'set', values: { n: `\${ $item * 2 }` } }],
    },
  ],
});
await timeRuns('ten-steps', 20); // warm-up

// Per-step overhead: (100-step run − 1-step run) / 99, paired run by run.
const hundred = await timeRuns('hundred-steps', 30);
const one = await timeRuns('one-step', 30);
const perStep = hundred.map((time, index) => (time - (one[index] ?? 0)) / 99).sort((a, b) => a - b);
const transition = percentile(perStep, 50);
record(
  'SQLite step transition (a set step: evaluate, its row and 2 events; pure completions share a commit), p50 / p90',
  `${transition.toFixed(2)} ms / ${percentile(perStep, 90).toFixed(2)} ms`,
  '≤ 2 ms p50',
  transition <= 2,
);
const ten = await timeRuns('ten-steps', 100);
record(
  'SQLite 10-step no-op workflow end to end (start → task succeeded), p50 / p90',
  `${percentile(ten, 50).toFixed(2)} ms / ${percentile(ten, 90).toFixed(2)} ms`,
  '≤ 20 ms p50',
  percentile(ten, 50) <= 20,
);
const map = await timeRuns('map-100', 10);
record(
  'SQLite 100-item map, concurrency 10, end to end p50 / p90',
  `${percentile(map, 50).toFixed(1)} ms / ${percentile(map, 90).toFixed(1)} ms`,
  'report',
  null,
);

await pool.stop({ drainMs: 1000 });
await base.cleanup();
writeSection(
  'workflows',
  `${machineLine()} · \`node --import tsx bench/workflows/run.ts\`\n\n${markdownTable(['measurement', 'result', 'target', 'met'], rows)}\n\nA waiting run holds no worker and no memory in the process: its task is \`waiting\` and its state is rows (memory per 1,000 waiting runs was not measured separately).`,
);
