export { type AgentChooser, createCapabilityChooser } from './choose-agent.js';
export { createDelegateTool } from './delegate-tool.js';
export { createMessageTools } from './message-tools.js';
export { listInbox, sendMessageAsCaller, sendMessageInput } from './messaging.js';
