export {
  type Agent,
  agentDefinitionSchema,
  type CreateAgentInput,
  createAgentInput,
  type UpdateAgentInput,
  updateAgentInput,
} from './agent-schema.js';
export { agentJson, loadAgent } from './agent-store.js';
export { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from './agents.js';
