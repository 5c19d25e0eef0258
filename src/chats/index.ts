export { type Chat, createChatInput, type Message, postMessageInput } from './chat-schema.js';
export { loadChat } from './chat-store.js';
export { advanceChatSummary, appendMessage, openChat } from './chat-writes.js';
export { createChat, getChat, listChats, listMessages, postMessage, type RunScheduler } from './chats.js';
