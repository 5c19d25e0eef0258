export { ColonyApiError, errorFromResponse } from './api-error.js';
export { type ColonyClient, type ColonyClientOptions, createColonyClient } from './colony-client.js';
export { type FollowOptions, followEvents, type ReconnectOptions } from './follow-events.js';
export { readSse, type SseMessage } from './sse-reader.js';
export type {
  SubmitTaskInput,
  Task,
  TaskDetail,
  TaskListOptions,
  TaskPage,
  TaskStatus,
} from './task-types.js';
export type {
  Agent,
  AgentPage,
  ApiKey,
  ApprovalInput,
  Chat,
  ChatPage,
  CreateAgentInput,
  CreatedKey,
  CreateMemoryInput,
  LiveEvent,
  Memory,
  MemoryHistory,
  MemoryHit,
  MemoryLogEntry,
  MemoryScope,
  MemorySearchOptions,
  MemoryType,
  MemoryWriteResult,
  Message,
  MessagePage,
  Page,
  PostedMessage,
  Run,
  RunRef,
  RunStep,
  RunStreamEvent,
  RunWithSteps,
  StoredEvent,
  StreamOptions,
  UpdateAgentInput,
} from './types.js';
