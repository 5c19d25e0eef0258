import type { Kysely } from 'kysely';
import type { Services } from '../context/index.js';
import {
  maxChatMessageChars,
  maxHandoffSummaryChars,
  maxViolationPromptChars,
  truncateText,
} from '../kernel/index.js';
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
 * carries a context summary (the producing task's answer, cut to `maxHandoffSummaryChars` with a
 * visible marker), the
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
      summary: `${source.title}: ${truncateText((source.result ?? '').trim(), maxHandoffSummaryChars)}`,
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

function renderNote(note: HandoffNote): string {
  return [
    `Handoff note from ${note.fromKey} (${note.fromTitle}):`,
    `Context: ${note.summary}`,
    `Decisions: ${note.decisions.join('; ')}`,
    `Next steps: ${note.nextSteps.join('; ')}`,
  ].join('\n');
}

/**
 * What an assigned agent is asked: the task first (so short answers restate it), then context.
 * The prompt starts a run like a posted chat message, so it is held to `maxChatMessageChars`
 * whatever the plan holds: each rejected attempt's violations are cut to
 * `maxViolationPromptChars`, and the handoff notes share what the task, the goal and the
 * violations leave — each cut with a visible marker to its share.
 */
export function taskPrompt(input: {
  goal: string;
  task: Row<'mission_task'>;
  notes: readonly HandoffNote[];
  violations: readonly Violation[];
}): string {
  const { task } = input;
  const head = [`Task ${task.key}: ${task.title}.`, task.description, '', `Mission goal: ${input.goal}`];
  const acceptance = parseJson<string[]>(task.acceptance, []);
  if (acceptance.length > 0) head.push('Acceptance criteria:', ...acceptance.map((item) => `- ${item}`));
  const tail: string[] = [];
  if (input.violations.length > 0) {
    tail.push('', 'Your previous answer was rejected by the acceptance check:');
    for (const violation of input.violations) {
      const reasons = truncateText(violation.violations.join('; '), maxViolationPromptChars);
      tail.push(`- attempt ${violation.attempt}: ${reasons}`);
    }
    tail.push('Fix these problems in your new answer.');
  }
  const fixed = head.join('\n').length + tail.join('\n').length + 2;
  // Each note takes its own line plus the blank line before it.
  const share = Math.floor((maxChatMessageChars - fixed) / Math.max(1, input.notes.length)) - 2;
  const notes = input.notes.flatMap((note) => ['', truncateText(renderNote(note), Math.max(0, share))]);
  return truncateText([...head, ...notes, ...tail].join('\n'), maxChatMessageChars);
}
