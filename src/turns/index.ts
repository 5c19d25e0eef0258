export { type ChatWatch, lastRunEventSeq, type RunUpdate, watchChat } from './follow-run.js';
export { type StartedTurn, startTurn } from './start-turn.js';
export { type TurnOutcome, turnOutcome } from './turn-outcome.js';
