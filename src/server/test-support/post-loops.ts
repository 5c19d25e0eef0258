/** A chat message post of a load loop; `key` is its Idempotency-Key when the loop sends one. */
export interface LoopPost {
  chatId: string;
  content: string;
  key: string;
}

/** A post that got its 202, with the ids of what it created. */
export interface AcknowledgedPost extends LoopPost {
  messageId: string;
  runId: string;
}

/** Posts one message as `apiKey`, with its Idempotency-Key when `keyed`. */
export function postMessage(url: string, apiKey: string, post: LoopPost, keyed: boolean): Promise<Response> {
  return fetch(`${url}/v1/chats/${post.chatId}/messages`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${apiKey}`,
      'Content-Type': 'application/json',
      ...(keyed ? { 'Idempotency-Key': post.key } : {}),
    },
    body: JSON.stringify({ content: post.content }),
  });
}

/**
 * Posts messages from `clients` concurrent loops until `stop()`, for crash tests. Every post sent
 * is kept in `sent`; `acknowledged` has those that got a 202. Requests cut off by a crash have an
 * unknown outcome and are only in `sent`.
 */
export function postInLoops(
  url: string,
  apiKey: string,
  chats: readonly string[],
  options: { clients: number; keyed: boolean },
) {
  const sent: LoopPost[] = [];
  const acknowledged: AcknowledgedPost[] = [];
  let stopped = false;
  const loops = Array.from({ length: options.clients }, async (_, client) => {
    for (let index = 0; !stopped; index++) {
      const post = {
        chatId: chats[(client + index) % chats.length] as string,
        content: `client ${client} message ${index}`,
        key: `client-${client}-message-${index}`,
      };
      sent.push(post);
      try {
        const response = await postMessage(url, apiKey, post, options.keyed);
        if (response.status !== 202) continue;
        const body = (await response.json()) as { message: { id: string }; run: { id: string } };
        acknowledged.push({ ...post, messageId: body.message.id, runId: body.run.id });
      } catch {
        // The server is gone: this request's outcome is unknown.
      }
    }
  });
  return {
    sent,
    acknowledged,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
