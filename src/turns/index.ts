export { type ChatWatch, isRunEnd, lastRunEventSeq, type RunUpdate, watchChat } from './follow-run.js';
export { type StartedTurn, startTurn, type TurnInput } from './start-turn.js';
export { type PendingApproval, type TurnOutcome, turnOutcome } from './turn-outcome.js';
