/** The seven memory types (see docs/memory.md). */
export const memoryTypes = [
  'episodic',
  'semantic',
  'procedural',
  'preference',
  'goal',
  'relationship',
  'reflection',
] as const;
export type MemoryType = (typeof memoryTypes)[number];

/** Where a memory lives; retrieval combines the scopes a caller may see. */
export const scopeKinds = ['org', 'team', 'user', 'agent', 'chat'] as const;
export type ScopeKind = (typeof scopeKinds)[number];

export interface MemoryScope {
  kind: ScopeKind;
  id: string;
}

export interface Memory {
  id: string;
  orgId: string;
  scope: MemoryScope;
  type: MemoryType;
  content: string;
  subject: string | null;
  importance: number;
  confidence: number;
  tags: string[];
  embeddingModel: string | null;
  sourceMessageIds: string[];
  runId: string | null;
  /** When what it describes happened (a turn: its message time, or the day it names). */
  occurredAt: number;
  /** Episodic turns: the memory of the previous turn of the same conversation. */
  previousTurnId: string | null;
  validFrom: number;
  validTo: number | null;
  supersededBy: string | null;
  accessCount: number;
  lastAccessedAt: number | null;
  pinned: boolean;
  deletedAt: number | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The five retrieval signals, each in 0–1. */
export interface MemorySignals {
  semantic: number;
  lexical: number;
  recency: number;
  importance: number;
  frequency: number;
}

export type SignalWeights = MemorySignals;

export interface MemoryHit {
  memory: Memory;
  /** Σ weight × signal (weights as given, not renormalized). */
  score: number;
  signals: MemorySignals;
  /** A short human-readable reason the memory was chosen. */
  why: string;
}

export const memoryLogActions = [
  'create',
  'update',
  'supersede',
  'delete',
  'merge',
  'decay',
  'prune',
] as const;
export type MemoryLogAction = (typeof memoryLogActions)[number];

export interface MemoryLogEntry {
  id: string;
  memoryId: string;
  action: MemoryLogAction;
  actor: { kind: string; id: string };
  reason: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: number;
}

/** What a write did: created a row, found an exact duplicate, updated one in place, or superseded one. */
export type WriteAction = 'created' | 'duplicate' | 'updated' | 'superseded';

export interface WriteResult {
  memory: Memory;
  action: WriteAction;
  /** The record this write superseded (it stays, with `validTo` and `supersededBy` set). */
  superseded: Memory | null;
}
