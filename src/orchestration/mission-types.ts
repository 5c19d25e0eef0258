import { z } from 'zod';
import { maxMissionGoalChars } from '../kernel/index.js';
import type { RoutingWeights } from './expert-gate.js';
import type { Plan } from './plan.js';
import type { Usage } from './usage.js';

export const missionStates = [
  'planning',
  'running',
  'checkpoint',
  'aggregating',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type MissionState = (typeof missionStates)[number];
export const terminalMissionStates: readonly MissionState[] = ['succeeded', 'failed', 'canceled'];

export const missionTaskStatuses = [
  'pending',
  'running',
  'checkpoint',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type MissionTaskStatus = (typeof missionTaskStatuses)[number];
export const unfinishedMissionTaskStatuses: readonly MissionTaskStatus[] = [
  'pending',
  'running',
  'checkpoint',
];

const modelSpec = z
  .string()
  .max(200)
  .regex(/^[a-z0-9-]+:.+$/, 'use "provider:model", for example "openai:gpt-4o-mini" or "offline:echo"');

/** `POST /v1/missions` body. */
export const createMissionInput = z
  .object({
    goal: z.string().trim().min(1).max(maxMissionGoalChars),
    /** Agents (ids or names) the expert gate may choose from; default every agent of the org. */
    agents: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
    /** `true`: wait for approval before aggregation; a list of task ids: wait after each of those tasks. */
    checkpoints: z.union([z.boolean(), z.array(z.string().min(1).max(64)).max(50)]).optional(),
    budget: z
      .object({ maxTokens: z.number().int().min(1).optional(), maxCostUsd: z.number().min(0).optional() })
      .strict()
      .optional(),
    /** Epoch milliseconds; the mission fails when it passes. */
    deadlineAt: z.number().int().positive().optional(),
    /** The model that plans, verifies and aggregates; default the server's default model. */
    model: modelSpec.optional(),
    /** Attempts per task (a failed acceptance check or run counts one). Default 3. */
    maxAttempts: z.number().int().min(1).max(10).optional(),
    /** Violations and failed runs in the whole mission before the goal manager gives up on the plan. Default 10. */
    errorThreshold: z.number().int().min(1).max(1000).optional(),
    routing: z
      .object({
        weights: z
          .object({
            capability: z.number().min(0).max(10).optional(),
            success: z.number().min(0).max(10).optional(),
            load: z.number().min(0).max(10).optional(),
            cost: z.number().min(0).max(10).optional(),
          })
          .strict()
          .optional(),
        margin: z.number().min(0).max(1).optional(),
        routerModel: modelSpec.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CreateMissionInput = z.input<typeof createMissionInput>;

/** What a mission was created with (stored as JSON). */
export interface MissionOptions {
  agents: string[] | null;
  checkpoints: boolean | string[];
  model: string;
  maxAttempts: number;
  errorThreshold: number;
  routing: { weights?: Partial<RoutingWeights>; margin?: number; routerModel?: string | null };
}

export interface MissionBudget {
  maxTokens?: number;
  maxCostUsd?: number;
}

export interface Mission {
  id: string;
  orgId: string;
  goal: string;
  state: MissionState;
  /** Why it failed or was canceled (`budget exceeded`, `stopped by …`, the planner's errors…). */
  error: string | null;
  generation: number;
  replans: number;
  plan: Plan | null;
  report: string | null;
  budget: MissionBudget;
  usage: Usage;
  options: MissionOptions;
  progress: {
    total: number;
    succeeded: number;
    failed: number;
    running: number;
    pending: number;
    canceled: number;
  };
  taskId: string;
  deadlineAt: number | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface Violation {
  attempt: number;
  agentId: string | null;
  runId: string | null;
  violations: string[];
  at: number;
}

export interface MissionTask {
  id: string;
  key: string;
  generation: number;
  title: string;
  description: string;
  capability: string;
  dependsOn: string[];
  acceptance: string[];
  k: number;
  assignees: Array<{ agentId: string; name: string }>;
  routingDecisionId: string | null;
  status: MissionTaskStatus;
  attempts: number;
  maxAttempts: number;
  result: string | null;
  votes: unknown;
  violations: Violation[];
  runIds: string[];
  error: string | null;
  usage: Usage;
  taskId: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface MissionCheckpoint {
  name: string;
  status: 'pending' | 'approved' | 'canceled';
  reachedAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

export interface MissionHandoff {
  id: string;
  fromTaskId: string;
  toTaskId: string;
  fromAgentId: string | null;
  toAgentId: string | null;
  summary: string;
  decisions: string[];
  nextSteps: string[];
  createdAt: number;
}

/** `GET /v1/missions/:id`: the status board. */
export interface MissionBoard extends Mission {
  tasks: MissionTask[];
  checkpoints: MissionCheckpoint[];
  handoffs: MissionHandoff[];
}
