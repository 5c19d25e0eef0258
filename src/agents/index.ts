export {
  type Agent,
  type AgentDefinition,
  agentDefinitionSchema,
  type CreateAgentInput,
  createAgentInput,
  type UpdateAgentInput,
  updateAgentInput,
} from './agent-schema.js';
export { agentJson, loadAgent } from './agent-store.js';
export {
  type AgentCatalog,
  type AgentContext,
  createAgent,
  deleteAgent,
  getAgent,
  listAgents,
  updateAgent,
} from './agents.js';
