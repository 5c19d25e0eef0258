import type { UIMessageChunk } from 'ai';
import type { RunUpdate } from '../../turns/index.js';

/** Approval ids carry the run: a client's response names both the run and the tool call. */
export function approvalIdOf(runId: string, toolCallId: string): string {
  return `${runId}:${toolCallId}`;
}

/** The run and tool call of an approval id; undefined when it is not one of ours. */
export function parseApprovalId(approvalId: string): { runId: string; toolCallId: string } | undefined {
  const separator = approvalId.indexOf(':');
  if (separator <= 0 || separator === approvalId.length - 1) return undefined;
  return { runId: approvalId.slice(0, separator), toolCallId: approvalId.slice(separator + 1) };
}

/**
 * Turns a run's updates into AI SDK UI message chunks (protocol v1): each model step is a step
 * with its reasoning and text parts; tool calls are dynamic tool parts whose input, approval
 * request, output, error or denial follow the run's events. Stateful: one per stream.
 */
export function createUiChunker(runId: string) {
  let openStep: number | undefined;
  const openParts = new Map<string, string>();
  const partId = (kind: 'text' | 'reasoning', stepIndex: number) => `${runId}-${kind}-${stepIndex}`;

  function closeParts(chunks: UIMessageChunk[]): void {
    for (const [id, kind] of openParts) {
      chunks.push(kind === 'text' ? { type: 'text-end', id } : { type: 'reasoning-end', id });
    }
    openParts.clear();
  }
  function enterStep(stepIndex: number, chunks: UIMessageChunk[]): void {
    if (openStep === stepIndex) return;
    if (openStep !== undefined) {
      closeParts(chunks);
      chunks.push({ type: 'finish-step' });
    }
    openStep = stepIndex;
    chunks.push({ type: 'start-step' });
  }
  function finishStep(chunks: UIMessageChunk[]): void {
    closeParts(chunks);
    if (openStep !== undefined) chunks.push({ type: 'finish-step' });
    openStep = undefined;
  }

  /** The chunks for one update; `done` once the stream must end (the run ended or waits). */
  function chunksOf(update: RunUpdate): UIMessageChunk[] {
    const chunks: UIMessageChunk[] = [];
    if (update.kind === 'text' || update.kind === 'reasoning') {
      enterStep(update.stepIndex, chunks);
      const id = partId(update.kind, update.stepIndex);
      if (!openParts.has(id)) {
        // Reasoning comes before the text of its step: a text part ends what reasoning started.
        if (update.kind === 'text') closeParts(chunks);
        openParts.set(id, update.kind);
        chunks.push(update.kind === 'text' ? { type: 'text-start', id } : { type: 'reasoning-start', id });
      }
      chunks.push(
        update.kind === 'text'
          ? { type: 'text-delta', id, delta: update.text }
          : { type: 'reasoning-delta', id, delta: update.text },
      );
      return chunks;
    }
    const { event } = update;
    const payload = event.payload;
    const toolCallId = String(payload.toolCallId ?? '');
    switch (event.type) {
      case 'run-step-end': {
        if (payload.kind !== 'model') break;
        enterStep(Number(payload.index ?? 0), chunks);
        closeParts(chunks);
        const calls = Array.isArray(payload.toolCalls) ? payload.toolCalls : [];
        for (const call of calls as Array<{ toolCallId: string; toolName: string; input: unknown }>) {
          chunks.push({
            type: 'tool-input-available',
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            input: call.input,
            dynamic: true,
          });
        }
        break;
      }
      case 'tool-call-approval-requested':
        chunks.push({
          type: 'tool-approval-request',
          approvalId: approvalIdOf(runId, toolCallId),
          toolCallId,
        });
        break;
      case 'tool-call-rejected':
        chunks.push({ type: 'tool-output-denied', toolCallId });
        break;
      case 'tool-call-end':
        chunks.push(
          typeof payload.error === 'string'
            ? { type: 'tool-output-error', toolCallId, errorText: payload.error, dynamic: true }
            : { type: 'tool-output-available', toolCallId, output: payload.output ?? null, dynamic: true },
        );
        break;
      case 'run-succeeded':
        finishStep(chunks);
        chunks.push({ type: 'finish', finishReason: 'stop' });
        break;
      case 'run-failed':
        finishStep(chunks);
        chunks.push({ type: 'error', errorText: String(payload.error ?? 'the run failed') });
        break;
      case 'run-canceled':
        finishStep(chunks);
        chunks.push({ type: 'abort', reason: String(payload.reason ?? 'the run was canceled') });
        break;
    }
    return chunks;
  }

  /** The chunks that end a stream whose run now waits for a human decision. */
  function waiting(): UIMessageChunk[] {
    const chunks: UIMessageChunk[] = [];
    finishStep(chunks);
    chunks.push({ type: 'finish', finishReason: 'tool-calls' });
    return chunks;
  }

  return { chunksOf, waiting };
}
