export { backoffDelay } from './backoff.js';
export { type Clock, createManualClock, systemClock } from './clock.js';
export { createIdGenerator, type IdGenerator } from './ids.js';
export {
  maxAcceptanceChars,
  maxAcceptanceCriteria,
  maxAgentMessageChars,
  maxChatMessageChars,
  maxDelegatedTaskChars,
  maxHandoffSummaryChars,
  maxMemoryContentChars,
  maxMemoryQueryChars,
  maxMissionGoalChars,
  maxPlanCapabilityChars,
  maxPlanDescriptionChars,
  maxPlanTasks,
  maxPlanTitleChars,
  maxReportAnswerChars,
  maxReportSourcesChars,
  maxToolOutputChars,
  maxVerifiedAnswerChars,
  maxViolationPromptChars,
} from './limits.js';
export { sleep } from './sleep.js';
export { truncateText, truncationMarker } from './truncate.js';
