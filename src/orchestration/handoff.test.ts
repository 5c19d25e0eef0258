import { describe, expect, it } from 'vitest';
import {
  maxAcceptanceChars,
  maxAcceptanceCriteria,
  maxChatMessageChars,
  maxMissionGoalChars,
  maxPlanDescriptionChars,
  maxPlanTasks,
  maxPlanTitleChars,
  maxReportSourcesChars,
} from '../kernel/index.js';
import type { Row } from '../storage/index.js';
import { offlineReport } from './aggregator.js';
import { type HandoffNote, taskPrompt } from './handoff.js';

const marker = /… \[truncated \d+ chars\]/;

/** A mission task row with every field at its largest. */
function maximalTask(): Row<'mission_task'> {
  const acceptance = Array.from({ length: maxAcceptanceCriteria }, () => 'a'.repeat(maxAcceptanceChars));
  return {
    id: 'mst_1',
    org_id: 'org_1',
    mission_id: 'msn_1',
    generation: 1,
    key: 't50',
    title: 'W'.repeat(maxPlanTitleChars),
    description: 'd'.repeat(maxPlanDescriptionChars),
    capability: 'write',
    depends_on: '[]',
    acceptance: JSON.stringify(acceptance),
    k: 1,
    assignees: '[]',
    routing_decision_id: null,
    status: 'running',
    attempts: 10,
    max_attempts: 10,
    result: null,
    votes: null,
    violations: '[]',
    run_ids: '[]',
    error: null,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    task_id: 'tsk_1',
    created_at: 0,
    started_at: null,
    finished_at: null,
    updated_at: 0,
  };
}

describe('a task prompt with the largest plan', () => {
  it('stays within a chat message and keeps every handoff note, each cut to its share', () => {
    const task = maximalTask();
    const notes: HandoffNote[] = Array.from({ length: maxPlanTasks - 1 }, (_, index) => ({
      fromKey: `t${index + 1}`,
      fromTitle: 'T'.repeat(maxPlanTitleChars),
      summary: 's'.repeat(1_300),
      decisions: Array.from({ length: 12 }, () => 'attempt 1 was rejected: '.padEnd(220, 'r')),
      nextSteps: [task.title, ...JSON.parse(task.acceptance)],
    }));
    const violations = Array.from({ length: 10 }, (_, index) => ({
      attempt: index + 1,
      agentId: null,
      runId: null,
      violations: Array.from({ length: 20 }, () => 'v'.repeat(500)),
      at: 0,
    }));
    const prompt = taskPrompt({ goal: 'g'.repeat(maxMissionGoalChars), task, notes, violations });
    expect(prompt.length).toBeLessThanOrEqual(maxChatMessageChars);
    expect(prompt.startsWith(`Task t50: ${task.title}.`)).toBe(true);
    for (const note of notes) expect(prompt).toContain(`Handoff note from ${note.fromKey} (`);
    expect(prompt).toContain('- attempt 10: ');
    expect(prompt.endsWith('Fix these problems in your new answer.')).toBe(true);
    expect(prompt.match(new RegExp(marker, 'g'))?.length).toBeGreaterThanOrEqual(notes.length);
  });
});

describe('the offline report', () => {
  it('draws on each answer up to its share of the report’s sources', () => {
    const tasks = Array.from({ length: maxPlanTasks }, (_, index) => ({
      key: `t${index + 1}`,
      title: `Task ${index + 1}`,
      agents: ['writer'],
      answer: 'x'.repeat(maxChatMessageChars),
    }));
    const report = offlineReport('a goal', tasks);
    expect(report.length).toBeLessThan(maxReportSourcesChars + 5_000);
    expect(report.match(new RegExp(marker, 'g'))).toHaveLength(maxPlanTasks);
    expect(offlineReport('a goal', [{ key: 't1', title: 'One', agents: [], answer: 'short' }])).toContain(
      '\n\nshort',
    );
  });
});
