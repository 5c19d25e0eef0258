export { type AgentChooser, agentByName, createCapabilityChooser } from './choose-agent.js';
export { type CollaborationServices, maxDelegationDepth } from './collaboration-services.js';
export { createDelegateTool, handoffsOf } from './delegate-tool.js';
export { type HandoffNote, renderHandoff } from './handoff-note.js';
export { createMessageTools } from './message-tools.js';
export {
  type AgentMessage,
  listInbox,
  type SendMessageInput,
  sendAgentMessage,
  sendMessageAsCaller,
  sendMessageInput,
} from './messaging.js';
