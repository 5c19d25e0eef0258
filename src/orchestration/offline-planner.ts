import type { Plan, PlannedTask } from './plan.js';
import { keyTerms } from './text-terms.js';

const synthesisVerbs =
  /^(write|summari[sz]e|report|conclude|combine|compile|draft|synthesi[sz]e|present|recommend)\b/i;
const sequenceWords = /\s*,?\s*\b(?:and then|then|after that|afterwards|next)\b\s*,?\s*/i;

function clean(clause: string): string {
  return clause
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:.-]+|[\s,;:.]+$/g, '')
    .replace(/^(and|also|finally|first|lastly)\s+/i, '')
    .trim();
}

/**
 * The offline planner (docs/missions.md, "Offline"): one task per clause of the goal.
 * - The goal is cut into **segments** at `;`, line breaks and sentence ends (`. ? !` + space).
 * - A segment is cut into **steps** at "then", "and then", "after that", "afterwards", "next";
 *   each step depends on the step before it in its segment.
 * - Segments are independent (parallel branches), except that the last segment, when there are
 *   several and it starts with a synthesis verb (write, summarize, report, conclude, combine,
 *   compile, draft, synthesize, present, recommend), depends on the last step of every other one.
 * - Ids are `t1`, `t2`, …; the capability is the clause's first word; acceptance says the answer
 *   must address the clause and mention its key terms.
 * - `skip` leaves out clauses already done (a replan); dependencies on them stay, as references
 *   to the earlier plan.
 */
export function offlinePlan(goal: string, skip: ReadonlySet<string> = new Set()): Plan {
  const segments = goal
    .split(/;|\n|(?<=[.!?])\s+/)
    .map((segment) =>
      segment
        .split(sequenceWords)
        .map(clean)
        .filter((clause) => clause.length > 0),
    )
    .filter((steps) => steps.length > 0);
  if (segments.length === 0) segments.push([clean(goal) || goal]);
  const tasks: PlannedTask[] = [];
  const segmentEnds: string[] = [];
  let counter = 0;
  for (const [segmentIndex, steps] of segments.entries()) {
    let previous: string | undefined;
    const isSynthesis =
      segments.length > 1 && segmentIndex === segments.length - 1 && synthesisVerbs.test(steps[0] ?? '');
    for (const [stepIndex, clause] of steps.entries()) {
      counter++;
      const id = `t${counter}`;
      const dependsOn = previous ? [previous] : stepIndex === 0 && isSynthesis ? [...segmentEnds] : [];
      const terms = keyTerms(clause);
      tasks.push({
        id,
        title: (clause.charAt(0).toUpperCase() + clause.slice(1)).slice(0, 200),
        description: `${clause} (part ${counter} of the mission goal).`.slice(0, 4000),
        capability: (clause.split(' ')[0] ?? '').toLowerCase().slice(0, 200),
        depends_on: dependsOn,
        acceptance: [
          `The answer addresses: ${clause}`.slice(0, 1000),
          ...(terms.length > 0 ? [`The answer mentions: ${terms.join(', ')}`] : []),
        ],
      });
      previous = id;
    }
    if (previous) segmentEnds.push(previous);
  }
  return { tasks: tasks.filter((task) => !skip.has(task.id)) };
}
