import {
  maxAcceptanceChars,
  maxPlanCapabilityChars,
  maxPlanDescriptionChars,
  maxPlanTasks,
  maxPlanTitleChars,
  truncateText,
} from '../kernel/index.js';
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

function isSynthesis(segments: readonly string[][], index: number): boolean {
  return (
    segments.length > 1 && index === segments.length - 1 && synthesisVerbs.test(segments[index]?.[0] ?? '')
  );
}

/**
 * Fits a goal's clauses into a plan's `maxPlanTasks` tasks: when there are more, every segment
 * becomes one task (its steps joined by ", then "), and neighbouring segments share a task (joined
 * by "; "), spread as evenly as the tasks allow; a closing synthesis segment stays a task of its own.
 */
function fitToPlan(segments: string[][]): string[][] {
  const clauses = segments.reduce((sum, steps) => sum + steps.length, 0);
  if (clauses <= maxPlanTasks) return segments;
  const synthesis = isSynthesis(segments, segments.length - 1);
  const body = (synthesis ? segments.slice(0, -1) : segments).map((steps) => steps.join(', then '));
  const tasks = Math.min(body.length, maxPlanTasks - (synthesis ? 1 : 0));
  const size = Math.floor(body.length / tasks);
  const larger = body.length % tasks;
  const groups: string[][] = [];
  for (let index = 0, start = 0; index < tasks; index++) {
    const end = start + size + (index < larger ? 1 : 0);
    groups.push([body.slice(start, end).join('; ')]);
    start = end;
  }
  const last = segments.at(-1);
  return synthesis && last ? [...groups, [last.join(', then ')]] : groups;
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
 * - A goal with more clauses than a plan may have tasks is fitted by `fitToPlan`; texts longer than
 *   a plan's fields are cut with a visible marker.
 * - `skip` leaves out clauses already done (a replan); dependencies on them stay, as references
 *   to the earlier plan.
 */
export function offlinePlan(goal: string, skip: ReadonlySet<string> = new Set()): Plan {
  const clauses = goal
    .split(/;|\n|(?<=[.!?])\s+/)
    .map((segment) =>
      segment
        .split(sequenceWords)
        .map(clean)
        .filter((clause) => clause.length > 0),
    )
    .filter((steps) => steps.length > 0);
  if (clauses.length === 0) clauses.push([clean(goal) || goal]);
  const segments = fitToPlan(clauses);
  const tasks: PlannedTask[] = [];
  const segmentEnds: string[] = [];
  let counter = 0;
  for (const [segmentIndex, steps] of segments.entries()) {
    let previous: string | undefined;
    const synthesis = isSynthesis(segments, segmentIndex);
    for (const [stepIndex, clause] of steps.entries()) {
      counter++;
      const id = `t${counter}`;
      const dependsOn = previous ? [previous] : stepIndex === 0 && synthesis ? [...segmentEnds] : [];
      const terms = keyTerms(clause);
      tasks.push({
        id,
        title: truncateText(clause.charAt(0).toUpperCase() + clause.slice(1), maxPlanTitleChars),
        description: truncateText(
          `${clause} (part ${counter} of the mission goal).`,
          maxPlanDescriptionChars,
        ),
        capability: truncateText((clause.split(' ')[0] ?? '').toLowerCase(), maxPlanCapabilityChars),
        depends_on: dependsOn,
        acceptance: [
          truncateText(`The answer addresses: ${clause}`, maxAcceptanceChars),
          ...(terms.length > 0 ? [`The answer mentions: ${terms.join(', ')}`] : []),
        ],
      });
      previous = id;
    }
    if (previous) segmentEnds.push(previous);
  }
  return { tasks: tasks.filter((task) => !skip.has(task.id)) };
}
