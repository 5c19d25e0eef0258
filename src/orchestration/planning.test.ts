import { describe, expect, it } from 'vitest';
import { maxMissionGoalChars, maxPlanTasks, maxPlanTitleChars } from '../kernel/index.js';
import { offlinePlan } from './offline-planner.js';
import { type Plan, planSchema, topologicalOrder, validatePlan } from './plan.js';
import { offlineVerdict } from './verifier.js';
import { vote } from './voting.js';

const task = (id: string, dependsOn: string[] = []) => ({
  id,
  title: id,
  description: '',
  capability: '',
  depends_on: dependsOn,
  acceptance: [],
});

describe('plan validation', () => {
  it('accepts a DAG and orders it topologically', () => {
    const plan: Plan = { tasks: [task('d', ['b', 'c']), task('b', ['a']), task('c', ['a']), task('a')] };
    expect(validatePlan(plan)).toEqual([]);
    expect(topologicalOrder(plan.tasks).map((entry) => entry.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('names every problem: cycles, unknown and self dependencies, duplicates, size', () => {
    expect(validatePlan({ tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b'])] })).toEqual([
      'the dependencies form a cycle: a → c → b → a',
    ]);
    expect(validatePlan({ tasks: [task('a', ['a']), task('a'), task('b', ['x'])] })).toEqual([
      'task id "a" is used more than once',
      'task "a" depends on itself',
      'task "b" depends on "x", which is not in the plan',
    ]);
    expect(validatePlan({ tasks: [] })).toEqual(['the plan has no tasks; it needs at least one']);
    const big = { tasks: Array.from({ length: 51 }, (_, index) => task(`t${index}`)) };
    expect(validatePlan(big)).toEqual(['the plan has 51 tasks; at most 50 are allowed']);
    expect(validatePlan({ tasks: Array.from({ length: 50 }, (_, index) => task(`t${index}`)) })).toEqual([]);
  });

  it('cuts a planner’s over-long texts with a marker instead of rejecting the plan', () => {
    const parsed = planSchema.parse({
      tasks: [
        {
          ...task('a'),
          title: 'T'.repeat(250),
          description: 'd'.repeat(5000),
          acceptance: Array.from({ length: 25 }, () => 'c'.repeat(1500)),
        },
      ],
    });
    const [planned] = parsed.tasks;
    expect(planned?.title).toHaveLength(maxPlanTitleChars);
    expect(planned?.title).toMatch(/… \[truncated 7\d chars\]$/);
    expect(planned?.description.length).toBeLessThanOrEqual(4000);
    expect(planned?.acceptance).toHaveLength(20);
    expect(planned?.acceptance.every((criterion) => criterion.length <= 1000)).toBe(true);
  });

  it('lets a replan depend on tasks an earlier plan completed', () => {
    expect(validatePlan({ tasks: [task('b', ['a'])] }, new Set(['a']))).toEqual([]);
  });
});

describe('the offline planner', () => {
  it('makes one task per clause: parallel segments, sequences on "then", a synthesis joins them', () => {
    const plan = offlinePlan('Research X; compare with Y; write a summary');
    expect(plan.tasks.map((entry) => [entry.id, entry.title, entry.capability, entry.depends_on])).toEqual([
      ['t1', 'Research X', 'research', []],
      ['t2', 'Compare with Y', 'compare', []],
      ['t3', 'Write a summary', 'write', ['t1', 't2']],
    ]);
    expect(validatePlan(plan)).toEqual([]);
    const sequence = offlinePlan('Collect the logs and then find the error, then fix it. Tell the team.');
    expect(sequence.tasks.map((entry) => [entry.id, entry.title, entry.depends_on])).toEqual([
      ['t1', 'Collect the logs', []],
      ['t2', 'Find the error', ['t1']],
      ['t3', 'Fix it', ['t2']],
      ['t4', 'Tell the team', []],
    ]);
    expect(offlinePlan('just one thing').tasks).toHaveLength(1);
  });

  it('fits a maximal goal of many clauses into a plan, keeping the closing synthesis', () => {
    const clauses = Array.from({ length: 120 }, (_, index) => `research topic ${index}`);
    const goal = [...clauses, 'write a summary of everything'].join('; ');
    expect(goal.length).toBeLessThanOrEqual(maxMissionGoalChars);
    const plan = offlinePlan(goal);
    expect(validatePlan(plan)).toEqual([]);
    expect(plan.tasks).toHaveLength(maxPlanTasks);
    expect(plan.tasks[0]?.title).toBe('Research topic 0; research topic 1; research topic 2');
    expect(plan.tasks[48]?.title).toBe('Research topic 118; research topic 119');
    const synthesis = plan.tasks.at(-1);
    expect(synthesis?.title).toBe('Write a summary of everything');
    expect(synthesis?.depends_on).toHaveLength(maxPlanTasks - 1);
    const chained = offlinePlan(Array.from({ length: 60 }, (_, index) => `step ${index}`).join(' then '));
    expect(chained.tasks).toHaveLength(1);
    expect(chained.tasks[0]?.title).toMatch(/^Step 0, then step 1, then .*… \[truncated \d+ chars\]$/);
  });

  it('skips what a previous plan completed', () => {
    const plan = offlinePlan('Research X; compare with Y; write a summary', new Set(['t1']));
    expect(plan.tasks.map((entry) => entry.id)).toEqual(['t2', 't3']);
    expect(validatePlan(plan, new Set(['t1']))).toEqual([]);
  });
});

describe('the offline acceptance rule', () => {
  const checked = { key: 't1', title: 'Research solar panels', description: '', acceptance: [] };
  it('passes a non-empty answer that mentions at least half of the key terms', () => {
    expect(offlineVerdict(checked, 'My research on solar output…').pass).toBe(true);
    expect(offlineVerdict(checked, '   ')).toMatchObject({
      pass: false,
      violations: ['the answer is empty'],
    });
    expect(offlineVerdict(checked, 'Wind is cheaper.')).toMatchObject({
      pass: false,
      violations: ["the answer does not mention the task's key terms: research, solar, panel"],
    });
  });
});

describe('voting', () => {
  it('takes the majority of normalized answers; a tie goes to the best-ranked agent', () => {
    expect(
      vote([
        { agentId: 'a', text: 'Paris.' },
        { agentId: 'b', text: 'Lyon' },
        { agentId: 'c', text: 'paris' },
      ]),
    ).toMatchObject({
      winner: 0,
      method: 'majority',
      tally: [{ agents: ['a', 'c'], count: 2 }, { count: 1 }],
    });
    expect(
      vote([
        { agentId: 'a', text: 'x' },
        { agentId: 'b', text: 'y' },
      ]),
    ).toMatchObject({
      winner: 0,
      method: 'plurality-tie-best-ranked',
    });
    expect(vote([{ agentId: 'a', text: 'x' }]).method).toBe('single');
  });
});
