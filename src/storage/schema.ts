import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * Column conventions, identical on SQLite and Postgres:
 * - ids are text (`prefix_<ulid>`), timestamps are epoch milliseconds (bigint on Postgres),
 * - booleans are integers 0/1, structured values are JSON text (parsed by the owning capability).
 */
export interface OrgTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UserAccountTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: string;
  created_at: number;
}

export interface TeamTable {
  id: string;
  org_id: string;
  name: string;
  created_at: number;
}

export interface TeamMembershipTable {
  team_id: string;
  user_id: string;
  org_id: string;
  role: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  org_id: string;
  user_id: string | null;
  name: string;
  prefix: string;
  secret_hash: string;
  role: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AgentTable {
  id: string;
  org_id: string;
  name: string;
  current_version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface AgentVersionTable {
  agent_id: string;
  version: number;
  org_id: string;
  description: string;
  instructions: string;
  model: string | null;
  tools: string;
  capabilities: string;
  memory_policy: string;
  limits: string;
  /** JSON; `{}` for versions written before migration 8. */
  endpoints: Generated<string>;
  approvals: Generated<string>;
  created_by: string | null;
  created_at: number;
}

export interface ConversationTable {
  id: string;
  org_id: string;
  agent_id: string;
  title: string;
  created_by: string | null;
  summary: string;
  summary_version: number;
  message_cursor: number;
  last_message_seq: number;
  created_at: number;
  updated_at: number;
}

export interface ConversationParticipantTable {
  conversation_id: string;
  org_id: string;
  participant_kind: string;
  participant_id: string;
  joined_at: number;
}

export interface MessageTable {
  id: string;
  org_id: string;
  conversation_id: string;
  seq: number;
  role: string;
  author_kind: string;
  author_id: string | null;
  content: string;
  parts: string;
  run_id: string | null;
  created_at: number;
}

export interface RunTable {
  id: string;
  org_id: string;
  conversation_id: string;
  agent_id: string;
  agent_version: number;
  trigger_message_id: string;
  status: string;
  model: string;
  offline: number;
  step_count: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  error: string | null;
  task_id: string | null;
  created_by: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface RunStepTable {
  id: string;
  org_id: string;
  run_id: string;
  idx: number;
  kind: string;
  status: string;
  tool_call_id: string | null;
  tool_name: string | null;
  payload: string;
  created_at: number;
  completed_at: number | null;
}

export interface EventTable {
  seq: Generated<number>;
  id: string;
  org_id: string;
  type: string;
  run_id: string | null;
  conversation_id: string | null;
  subject_id: string | null;
  payload: string;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  actor_kind: string;
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: string;
  created_at: number;
}

export interface UsageLogTable {
  id: string;
  org_id: string;
  run_id: string | null;
  agent_id: string | null;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  created_at: number;
}

export interface TaskTable {
  id: string;
  org_id: string;
  kind: string;
  payload: string;
  status: string;
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  concurrency_key: string | null;
  idempotency_key: string | null;
  parent_id: string | null;
  last_error: string | null;
  result: string | null;
  deadline_at: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** Columns `0002-tasks` adds to `task` (kept apart so the foundation shape stays as shipped). */
export interface TaskEngineColumns {
  key_seq: number | null;
  claim_count: Generated<number>;
  started_at: number | null;
  timeout_ms: number | null;
  on_dependency_failure: Generated<string>;
  pending_dependencies: Generated<number>;
  has_dependents: Generated<number>;
  wake_requested: Generated<number>;
  wait_reason: string | null;
}

export interface TaskDependencyTable {
  task_id: string;
  depends_on_id: string;
  org_id: string;
}

export interface TaskAttemptTable {
  task_id: string;
  attempt: number;
  claim: number;
  org_id: string;
  worker_id: string | null;
  outcome: string;
  error: string | null;
  started_at: number | null;
  finished_at: number;
}

export interface TaskStepTable {
  task_id: string;
  name: string;
  result: string;
  created_at: number;
}

export interface TaskEffectTable {
  task_id: string;
  name: string;
  created_at: number;
}

export interface ScheduledJobTable {
  id: string;
  org_id: string;
  name: string;
  cron: string;
  timezone: string | null;
  task_kind: string;
  payload: string;
  enabled: number;
  next_run_at: number | null;
  last_run_at: number | null;
  /** A fixed interval instead of `cron` (which is then empty), since migration 0010. */
  interval_ms: number | null;
  created_at: number;
  updated_at: number;
}

export interface ScheduleTable {
  id: string;
  org_id: string;
  name: string;
  description: string;
  cron: string | null;
  interval_ms: number | null;
  timezone: string | null;
  /** JSON: what a firing runs (`{ kind: 'agent', … }` or `{ kind: 'mission', … }`). */
  target: string;
  /** The `scheduled_job` row that fires it (its enabled flag and run times). */
  job_id: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** A monthly budget of the org (`scope` = `org`) or of one agent (`scope` = the agent's id). */
export interface UsageBudgetTable {
  id: string;
  org_id: string;
  scope: string;
  agent_id: string | null;
  max_tokens: number | null;
  max_cost_usd: number | null;
  created_at: number;
  updated_at: number;
}

export interface LeaderLeaseTable {
  name: string;
  holder: string;
  expires_at: number;
  updated_at: number;
}

export interface SchemaMigrationTable {
  version: number;
  name: string;
  applied_at: number;
}

/** One memory record (see docs/memory.md). `embedding` is packed little-endian Float32. */
export interface MemoryTable {
  id: string;
  org_id: string;
  scope_kind: string;
  scope_id: string;
  type: string;
  content: string;
  content_hash: string;
  /** Normalized subject key used to detect contradictions (`user.favorite color`), or null. */
  subject: string | null;
  importance: number;
  confidence: number;
  embedding: Buffer | null;
  embedding_model: string | null;
  source_message_ids: string;
  run_id: string | null;
  valid_from: number;
  valid_to: number | null;
  superseded_by: string | null;
  access_count: number;
  last_accessed_at: number | null;
  pinned: number;
  /** The lexical index's integer document id (SQLite FTS5 rowid); null on Postgres. */
  doc_id: number | null;
  /** When what the memory describes happened (`created_at` is when it was recorded). */
  occurred_at: number | null;
  /** Episodic turns: the memory of the turn before this one in the same conversation. */
  previous_turn_id: string | null;
  deleted_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface MemoryTagTable {
  memory_id: string;
  org_id: string;
  tag: string;
}

export interface MemoryLogTable {
  id: string;
  org_id: string;
  memory_id: string;
  action: string;
  actor_kind: string;
  actor_id: string;
  reason: string;
  before: string | null;
  after: string | null;
  created_at: number;
}

export interface Schema {
  org: OrgTable;
  user_account: UserAccountTable;
  team: TeamTable;
  team_membership: TeamMembershipTable;
  api_key: ApiKeyTable;
  agent: AgentTable;
  agent_version: AgentVersionTable;
  conversation: ConversationTable;
  conversation_participant: ConversationParticipantTable;
  message: MessageTable;
  run: RunTable;
  run_step: RunStepTable;
  event: EventTable;
  audit_log: AuditLogTable;
  usage_log: UsageLogTable;
  usage_budget: UsageBudgetTable;
  task: TaskTable & TaskEngineColumns;
  task_dependency: TaskDependencyTable;
  task_attempt: TaskAttemptTable;
  task_step: TaskStepTable;
  task_effect: TaskEffectTable;
  scheduled_job: ScheduledJobTable;
  schedule: ScheduleTable;
  leader_lease: LeaderLeaseTable;
  schema_migration: SchemaMigrationTable;
  memory: MemoryTable;
  memory_tag: MemoryTagTable;
  memory_log: MemoryLogTable;
}

export type Row<Table extends keyof Schema> = Selectable<Schema[Table]>;
export type NewRow<Table extends keyof Schema> = Insertable<Schema[Table]>;

/** A mission: a goal, its plan and the goal manager's state (migration 0004, docs/missions.md). */
export interface MissionTable {
  id: string;
  org_id: string;
  goal: string;
  state: string;
  /** 1 for the first plan, 2 after a replan. */
  generation: number;
  plan: string;
  options: string;
  budget: string;
  report: string | null;
  error: string | null;
  replans: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  /** The goal manager's durable task. */
  task_id: string;
  deadline_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface MissionTaskTable {
  id: string;
  org_id: string;
  mission_id: string;
  generation: number;
  key: string;
  title: string;
  description: string;
  capability: string;
  depends_on: string;
  acceptance: string;
  k: number;
  assignees: string;
  routing_decision_id: string | null;
  status: string;
  attempts: number;
  max_attempts: number;
  result: string | null;
  votes: string | null;
  violations: string;
  run_ids: string;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  task_id: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface MissionHandoffTable {
  id: string;
  org_id: string;
  mission_id: string;
  from_task_id: string;
  to_task_id: string;
  from_agent_id: string | null;
  to_agent_id: string | null;
  summary: string;
  decisions: string;
  next_steps: string;
  created_at: number;
}

export interface MissionCheckpointTable {
  id: string;
  org_id: string;
  mission_id: string;
  name: string;
  status: string;
  waiting_task_id: string;
  reached_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

export interface RoutingDecisionLogTable {
  id: string;
  org_id: string;
  mission_id: string | null;
  mission_task_id: string | null;
  task_ref: string;
  query: string;
  candidates: string;
  chosen: string;
  method: string;
  router_model: string | null;
  router_reason: string | null;
  weights: string;
  created_at: number;
}

export interface AgentPerformanceTable {
  agent_id: string;
  org_id: string;
  successes: number;
  failures: number;
  updated_at: number;
}

/** Orchestration tables (migration 0004), merged into `Schema`. */
export interface Schema {
  mission: MissionTable;
  mission_task: MissionTaskTable;
  mission_handoff: MissionHandoffTable;
  mission_checkpoint: MissionCheckpointTable;
  routing_decision_log: RoutingDecisionLogTable;
  agent_performance: AgentPerformanceTable;
}
