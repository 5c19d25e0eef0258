import type { RunScheduler } from '../chats/index.js';
import type { RuntimeServices } from '../runtime/index.js';
import type { AgentChooser } from './choose-agent.js';

/** What delegation and messaging need: the runtime, the run scheduler and an agent chooser. */
export interface CollaborationServices extends RuntimeServices {
  runs: RunScheduler;
  chooseAgent: AgentChooser;
}

/** How deep delegation may nest (a delegate of a delegate of …). */
export const maxDelegationDepth = 5;
