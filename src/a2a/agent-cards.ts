import { type Agent, getAgent, listAgents } from '../agents/index.js';
import type { Context } from '../context/index.js';

/** The A2A protocol version Colony speaks (its `AgentInterface.protocolVersion`). */
export const a2aProtocolVersion = '1.0';

/** An A2A 1.0 agent card (protobuf JSON, camelCase). */
export interface AgentCard {
  name: string;
  description: string;
  version: string;
  supportedInterfaces: Array<{ url: string; protocolBinding: 'JSONRPC'; protocolVersion: string }>;
  provider: { organization: string; url: string };
  capabilities: { streaming: boolean; pushNotifications: boolean; extendedAgentCard: boolean };
  securitySchemes: Record<string, { httpAuthSecurityScheme: { scheme: string; description: string } }>;
  securityRequirements: Array<{ schemes: Record<string, { list: string[] }> }>;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: Array<{ id: string; name: string; description: string; tags: string[]; examples: string[] }>;
}

/** Cards list at most this many agents as skills (the org card). */
const maxSkills = 200;

function skillOf(agent: Agent) {
  return {
    id: agent.name,
    name: agent.name,
    description: agent.description || `Chat with ${agent.name}`,
    tags: ['colony-agent', ...agent.tools.slice(0, 10)],
    examples: [],
  };
}

function card(
  name: string,
  description: string,
  endpoint: string,
  skills: AgentCard['skills'],
  base: string,
): AgentCard {
  return {
    name,
    description,
    version: '1.0.0',
    supportedInterfaces: [{ url: endpoint, protocolBinding: 'JSONRPC', protocolVersion: a2aProtocolVersion }],
    provider: { organization: 'Colony', url: base },
    capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
    securitySchemes: {
      bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: 'A Colony API key (ck_…)' } },
    },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills,
  };
}

/** The card of one agent of the caller's org; its endpoint is `<base>/a2a/agents/<name>`. */
export async function agentCardOf(context: Context, agentRef: string, base: string): Promise<AgentCard> {
  const agent = await getAgent(context, agentRef);
  const endpoint = new URL(`a2a/agents/${encodeURIComponent(agent.name)}`, base).href;
  return card(
    agent.name,
    agent.description || `Colony agent ${agent.name}`,
    endpoint,
    [skillOf(agent)],
    base,
  );
}

/**
 * The org's card (`/.well-known/agent-card.json`): every agent as a skill; its endpoint `<base>/a2a`
 * takes a message naming its agent in `metadata.agent` (or continuing a `contextId`).
 */
export async function orgAgentCard(context: Context, base: string): Promise<AgentCard> {
  const { agents } = await listAgents(context, { limit: maxSkills });
  return card(
    'Colony',
    'The agents of this Colony org. Name one in message.metadata.agent, or use its own card at /a2a/agents/{name}/.well-known/agent-card.json.',
    new URL('a2a', base).href,
    agents.map(skillOf),
    base,
  );
}
