import { randomUUID } from 'node:crypto';
import { DeliverPolicy, type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { EventBus, EventNotice, LiveEvent } from './event-bus.js';

/** The JetStream stream that carries commit notices; memory-backed, a minute deep. */
export const noticeStream = 'COLONY_EVENTS';
const noticeSubject = 'colony.events';
const liveSubject = 'colony.live';

interface FanOutLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface NatsFanOutOptions {
  url: string;
  logger: FanOutLogger;
}

export interface NatsFanOut {
  close(): Promise<void>;
}

interface NoticeMessage {
  origin: string;
  notices: EventNotice[];
}

interface LiveMessage {
  origin: string;
  event: LiveEvent;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (value: unknown) => encoder.encode(JSON.stringify(value));

/** A message another process sent, or undefined when it is not one (never throws). */
function decode<Message extends { origin: string }>(data: Uint8Array): Message | undefined {
  try {
    const value = JSON.parse(decoder.decode(data)) as Message;
    return typeof value?.origin === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Carries this process's commits to every other process on the same database through NATS, so
 * an SSE reader anywhere wakes at once instead of at its next poll (decision 0032).
 *
 * - Commit notices (where an event landed, never its payload) go through a JetStream stream;
 *   each process reads it with an ordered consumer from "new". Readers still re-read the
 *   database by sequence: a notice only wakes them, so a lost or late one costs a poll, never an
 *   event.
 * - Live text deltas go over core NATS: they are never stored anywhere.
 * - NATS down, at start or later: this keeps reconnecting in the background and the poll
 *   carries on; nothing here can fail a request or a commit.
 */
export function startNatsFanOut(bus: EventBus, options: NatsFanOutOptions): NatsFanOut {
  const origin = randomUUID();
  const { logger } = options;
  let connection: NatsConnection | undefined;
  let client: JetStreamClient | undefined;
  let closing = false;
  let outage = false;
  const failed = (error: unknown, what: string) => {
    if (closing || outage) return;
    outage = true;
    logger.warn({ err: error }, `event fan-out: ${what}; readers fall back to polling`);
  };

  const offStored = bus.onStored((events) => {
    if (!client) return;
    const byOrg = new Map<string, EventNotice[]>();
    for (const { seq, type, orgId, runId, conversationId, subjectId } of events) {
      const notices = byOrg.get(orgId) ?? [];
      notices.push({ seq, type, orgId, runId, conversationId, subjectId });
      byOrg.set(orgId, notices);
    }
    for (const [orgId, notices] of byOrg) {
      const message: NoticeMessage = { origin, notices };
      client.publish(`${noticeSubject}.${orgId}`, encode(message)).then(
        () => {
          outage = false;
        },
        (error: unknown) => failed(error, 'publishing a notice failed'),
      );
    }
  });
  const offLive = bus.onLive((event, from) => {
    if (from !== 'local' || !connection || connection.isClosed()) return;
    const message: LiveMessage = { origin, event };
    try {
      connection.publish(`${liveSubject}.${event.orgId}`, encode(message));
    } catch (error) {
      failed(error, 'publishing a live event failed');
    }
  });

  const started = (async () => {
    const nc = await connect({
      servers: options.url,
      name: `colony-${origin}`,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
    });
    if (closing) {
      await nc.close();
      return;
    }
    connection = nc;
    const manager = await jetstreamManager(nc);
    const config = {
      name: noticeStream,
      subjects: [`${noticeSubject}.>`],
      storage: 'memory' as const,
      max_age: nanos(60_000),
      max_bytes: 64 * 1024 * 1024,
    };
    try {
      await manager.streams.info(noticeStream);
    } catch {
      await manager.streams.add(config);
    }
    const js = jetstream(nc);
    const consumer = await js.consumers.get(noticeStream, {
      filter_subjects: `${noticeSubject}.>`,
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    client = js;
    logger.info({ url: options.url }, 'event fan-out: connected to NATS');
    void (async () => {
      for await (const message of nc.subscribe(`${liveSubject}.>`)) {
        const relayed = decode<LiveMessage>(message.data);
        if (relayed && relayed.origin !== origin) bus.publishLive(relayed.event, 'remote');
      }
    })().catch((error: unknown) => failed(error, 'the live subscription ended'));
    for await (const message of messages) {
      const relayed = decode<NoticeMessage>(message.data);
      if (relayed && relayed.origin !== origin) bus.publishNotices(relayed.notices);
    }
  })().catch((error: unknown) => failed(error, 'NATS is unavailable'));

  return {
    async close() {
      closing = true;
      offStored();
      offLive();
      client = undefined;
      // A connect still retrying (NATS down) closes itself when it succeeds: `closing` is set.
      if (connection) {
        await connection.drain().catch(() => connection?.close());
        await started;
      }
    },
  };
}
