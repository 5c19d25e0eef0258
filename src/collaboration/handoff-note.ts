/** What the receiving agent is told when work passes to it: enough to start informed. */
export interface HandoffNote {
  from: string;
  task: string;
  contextSummary: string;
  decisions: string[];
  nextSteps: string[];
}

/** The first message of a delegated chat: the handoff note, then the task itself. */
export function renderHandoff(note: HandoffNote): string {
  const lines = [`Handoff from agent "${note.from}".`];
  if (note.contextSummary) lines.push(`Context: ${note.contextSummary}`);
  if (note.decisions.length > 0) lines.push(`Decisions so far: ${note.decisions.join('; ')}`);
  if (note.nextSteps.length > 0) lines.push(`Expected next steps: ${note.nextSteps.join('; ')}`);
  lines.push('', 'Task:', note.task);
  return lines.join('\n');
}
