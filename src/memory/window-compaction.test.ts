import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../storage/test-support/databases.js';
import { appendMessages, createConversation } from './test-support/conversations.js';
import { createMemoryTestServices, type MemoryTestServices } from './test-support/memory-test-services.js';
import { compactIfOverflowing } from './window-compaction.js';

const config = { windowMessages: 10, keepRecent: 4, summaryMaxChars: 4000 };

describe.each(testDialects)('the window check of a run on %s', (dialect) => {
  let test: MemoryTestServices | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  async function chatWith(count: number) {
    test = await createMemoryTestServices(dialect);
    const user = await test.createUser();
    const context = test.context(user);
    const { conversationId } = await createConversation(context.services, user);
    await appendMessages(
      context.services,
      user,
      conversationId,
      Array.from({ length: count }, (_, index) => ({ role: 'user', content: `message number ${index + 1}` })),
    );
    const check = (keepFromSeq: number) =>
      compactIfOverflowing(context, config, {
        chatId: conversationId,
        userId: user.id,
        factsScope: { kind: 'user', id: user.id },
        model: null,
        windowTokens: 8000,
        keepFromSeq,
      });
    const cursor = async () =>
      Number(
        (
          await context.services.database.db
            .selectFrom('conversation')
            .select('message_cursor')
            .where('id', '=', conversationId)
            .executeTakeFirstOrThrow()
        ).message_cursor,
      );
    return { check, cursor };
  }

  it('does not count messages queued behind the trigger', async () => {
    // 30 messages posted at once: the run of message 3 sees three, which fit its window.
    const { check, cursor } = await chatWith(30);
    expect(await check(3)).toBeNull();
    expect(await cursor()).toBe(0);
  });

  it('when its own window overflows, keeps its newest messages and everything after the trigger', async () => {
    // The run of message 14 sees fourteen (more than 10): it keeps its newest four (11–14)
    // and the sixteen queued behind it; 1–10 leave the window.
    const { check, cursor } = await chatWith(30);
    const result = await check(14);
    expect(result?.compacted).toBe(true);
    expect(await cursor()).toBe(10);
  });
});
