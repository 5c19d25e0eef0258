export {
  type Chat,
  type CreateChatInput,
  createChatInput,
  type Message,
  type PostMessageInput,
  postMessageInput,
} from './chat-schema.js';
export { loadChat, toMessage } from './chat-store.js';
export {
  type AdvanceSummaryInput,
  type AppendMessageInput,
  advanceChatSummary,
  appendMessage,
  type OpenChatInput,
  openChat,
} from './chat-writes.js';
export {
  type ChatContext,
  createChat,
  getChat,
  listChats,
  listMessages,
  postMessage,
  type RunScheduler,
} from './chats.js';
