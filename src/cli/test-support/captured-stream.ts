/** A writable stream that keeps what is written to it, for a CLI's `io.stdout` / `io.stderr`. */
export function capturedStream(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const write = (chunk: string) => {
    text += chunk;
    return true;
  };
  return { stream: { write } as unknown as NodeJS.WritableStream, text: () => text };
}
