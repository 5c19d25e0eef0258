import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedMessage[];
  /** Decides the status of each request (default 200). */
  respond: (message: ReceivedMessage) => { status: number; body?: string };
  close(): Promise<void>;
}

/** A local HTTP server that records every POST and answers as `respond` says. */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedMessage[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    respond: () => ({ status: 200, body: 'ok' }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const message = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(message);
      const answer = receiver.respond(message);
      response.writeHead(answer.status, { 'content-type': 'text/plain' });
      response.end(answer.body ?? '');
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const close = receiver.close;
  receiver.close = async () => {
    server.closeAllConnections();
    await close();
  };
  return receiver;
}
