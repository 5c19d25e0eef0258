/**
 * Colony's text limits, written down once (docs/API.md, "Limits"). Two kinds:
 *
 * - **Input limits** bound what a caller may send; a request over one is a 400 `invalid_input`
 *   naming the field. Internal producers are held to the same limits, so whatever one capability
 *   produces, the next one accepts.
 * - **Hand-off budgets** bound what one capability passes to another (a prompt, a query, a stored
 *   output). Longer text is derived (a query from a message's key terms) or cut with a visible
 *   marker (`truncateText`), never rejected.
 */

/** A chat message (`POST /v1/chats/:id/messages`), and every message Colony posts to start a run. */
export const maxChatMessageChars = 100_000;
/** An agent message (`POST /v1/agents/:id/messages`, `send_message`, `ask_agent` and its answer). */
export const maxAgentMessageChars = 20_000;
/** A delegated task (`delegate.task`). */
export const maxDelegatedTaskChars = 20_000;
/** A mission goal (`POST /v1/missions`). */
export const maxMissionGoalChars = 8_000;
/** A memory's content (API, `remember`, `update_memory`, extraction). */
export const maxMemoryContentChars = 8_000;
/** A memory search query (`GET /v1/memories/search?q=`, `recall`); longer text is turned into one. */
export const maxMemoryQueryChars = 2_000;
/** A tool's output as stored in its run step and shown to the model (JSON characters). */
export const maxToolOutputChars = 64_000;

/** A planned mission task: title, description, capability, each acceptance criterion, how many criteria. */
export const maxPlanTitleChars = 200;
export const maxPlanDescriptionChars = 4_000;
export const maxPlanCapabilityChars = 200;
export const maxAcceptanceChars = 1_000;
export const maxAcceptanceCriteria = 20;
/** Most tasks a plan may have. */
export const maxPlanTasks = 50;

/** The context summary of a handoff note (the producing task's answer). */
export const maxHandoffSummaryChars = 1_200;
/** A rejected attempt's violations, as repeated in the retry's prompt. */
export const maxViolationPromptChars = 2_000;
/** One task's answer as the verifier model reads it. */
export const maxVerifiedAnswerChars = 12_000;
/** One task's answer in the mission report's sources, and all answers together. */
export const maxReportAnswerChars = 6_000;
export const maxReportSourcesChars = 48_000;
