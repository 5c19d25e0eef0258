import type { Kysely } from 'kysely';
import type { Services } from '../context/index.js';
import { parseJson, type Row, type Schema, toJson } from '../storage/index.js';
import type { Violation } from './mission-types.js';
import { cut } from './text-terms.js';

export interface HandoffNote {
  fromKey: string;
  fromTitle: string;
  summary: string;
  decisions: string[];
  nextSteps: string[];
}

/**
 * The handoff notes for a task about to start: one per dependency (the task of the same key in
 * the newest plan that succeeded), stored once in `mission_handoff` (unique per edge). A note
 * carries a context summary (the producing task's answer, cut to 1,200 characters), the
 * decisions made (who answered, after how many attempts, the vote) and the next steps (the
 * receiving task and its acceptance criteria).
 */
export async function handoffNotes(
  transaction: Kysely<Schema>,
  services: Pick<Services, 'ids' | 'clock'>,
  task: Row<'mission_task'>,
  names: ReadonlyMap<string, string>,
): Promise<HandoffNote[]> {
  const keys = parseJson<string[]>(task.depends_on, []);
  if (keys.length === 0) return [];
  const sources = await transaction
    .selectFrom('mission_task')
    .selectAll()
    .where('mission_id', '=', task.mission_id)
    .where('key', 'in', keys)
    .where('status', '=', 'succeeded')
    .orderBy('generation', 'desc')
    .execute();
  const notes: HandoffNote[] = [];
  const toAgent = parseJson<string[]>(task.assignees, [])[0] ?? null;
  for (const key of keys) {
    const source = sources.find((candidate) => candidate.key === key);
    if (!source) continue;
    const agents = parseJson<string[]>(source.assignees, []);
    const votes = parseJson<{ method?: string; tally?: Array<{ count: number }> } | null>(source.votes, null);
    const decisions = [
      `answered by ${agents.map((agent) => names.get(agent) ?? agent).join(', ')}`,
      `accepted after ${source.attempts} attempt(s)`,
      ...(votes?.tally && agents.length > 1
        ? [
            `chosen by ${votes.method ?? 'vote'} (${votes.tally[0]?.count ?? 0}/${agents.length} agents agreed)`,
          ]
        : []),
      ...parseJson<Violation[]>(source.violations, []).map(
        (violation) =>
          `attempt ${violation.attempt} was rejected: ${cut(violation.violations.join('; '), 200)}`,
      ),
    ];
    const note: HandoffNote = {
      fromKey: source.key,
      fromTitle: source.title,
      summary: `${source.title}: ${cut((source.result ?? '').trim(), 1200)}`,
      decisions,
      nextSteps: [task.title, ...parseJson<string[]>(task.acceptance, [])],
    };
    notes.push(note);
    await transaction
      .insertInto('mission_handoff')
      .values({
        id: services.ids.next('hnd'),
        org_id: task.org_id,
        mission_id: task.mission_id,
        from_task_id: source.id,
        to_task_id: task.id,
        from_agent_id: agents[0] ?? null,
        to_agent_id: toAgent,
        summary: note.summary,
        decisions: toJson(note.decisions),
        next_steps: toJson(note.nextSteps),
        created_at: services.clock.now(),
      })
      .onConflict((conflict) => conflict.columns(['from_task_id', 'to_task_id']).doNothing())
      .execute();
  }
  return notes;
}

/** What an assigned agent is asked: the task first (so short answers restate it), then context. */
export function taskPrompt(input: {
  goal: string;
  task: Row<'mission_task'>;
  notes: readonly HandoffNote[];
  violations: readonly Violation[];
}): string {
  const { task } = input;
  const lines = [`Task ${task.key}: ${task.title}.`, task.description, '', `Mission goal: ${input.goal}`];
  const acceptance = parseJson<string[]>(task.acceptance, []);
  if (acceptance.length > 0) lines.push('Acceptance criteria:', ...acceptance.map((item) => `- ${item}`));
  for (const note of input.notes) {
    lines.push(
      '',
      `Handoff note from ${note.fromKey} (${note.fromTitle}):`,
      `Context: ${note.summary}`,
      `Decisions: ${note.decisions.join('; ')}`,
      `Next steps: ${note.nextSteps.join('; ')}`,
    );
  }
  if (input.violations.length > 0) {
    lines.push('', 'Your previous answer was rejected by the acceptance check:');
    for (const violation of input.violations)
      lines.push(`- attempt ${violation.attempt}: ${violation.violations.join('; ')}`);
    lines.push('Fix these problems in your new answer.');
  }
  return lines.join('\n');
}
