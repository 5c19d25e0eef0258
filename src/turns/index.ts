export { askAgent, type TurnContext } from './ask-agent.js';
export { type ChatWatch, lastRunEventSeq, type RunUpdate, watchChat } from './follow-run.js';
export { followToOutcome, runFailure } from './follow-to-outcome.js';
export { type StartedTurn, startTurn } from './start-turn.js';
export { type TurnOutcome, turnOutcome } from './turn-outcome.js';
