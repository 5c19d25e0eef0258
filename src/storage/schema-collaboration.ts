/** Tables of agent collaboration: delegation handoffs and agent-to-agent messages (migration 0005). */
export interface AgentHandoffTable {
  id: string;
  org_id: string;
  parent_run_id: string;
  tool_call_id: string;
  from_agent_id: string;
  to_agent_id: string;
  child_run_id: string;
  child_chat_id: string;
  depth: number;
  task: string;
  note: string;
  routing: string;
  waited: number;
  created_at: number;
}

export interface AgentMessageTable {
  id: string;
  org_id: string;
  sender_kind: string;
  sender_id: string;
  recipient_agent_id: string;
  type: string;
  payload: string;
  correlation_id: string | null;
  status: string;
  triggered_run_id: string | null;
  created_at: number;
  delivered_at: number | null;
}

declare module './schema.js' {
  interface Schema {
    agent_handoff: AgentHandoffTable;
    agent_message: AgentMessageTable;
  }
}
