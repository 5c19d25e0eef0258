export { handleA2aCall } from './a2a-json-rpc.js';
export { agentCardOf, orgAgentCard } from './agent-cards.js';
