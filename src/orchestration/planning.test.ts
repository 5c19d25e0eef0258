import { describe, expect, it } from 'vitest';
import { offlinePlan } from './offline-planner.js';
import { type Plan, topologicalOrder, validatePlan } from './plan.js';
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
