const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Spinner {
  /** Shows (or relabels) the spinner. */
  start(text: string): void;
  /** Clears the spinner line; safe to call when it is not running. */
  stop(): void;
}

/**
 * A one-line progress spinner on a terminal stream. Disabled (a no-op) when the stream is not a
 * TTY, so piped output and transcripts stay clean.
 */
export function createSpinner(stream: NodeJS.WritableStream & { isTTY?: boolean }): Spinner {
  let timer: NodeJS.Timeout | undefined;
  let label = '';
  let frame = 0;
  const enabled = stream.isTTY === true;
  const draw = () => {
    stream.write(`\r\x1b[2K${frames[frame % frames.length] ?? ''} ${label}`);
    frame++;
  };
  return {
    start(text) {
      if (!enabled) return;
      label = text;
      if (timer === undefined) {
        timer = setInterval(draw, 80);
        timer.unref();
      }
      draw();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[2K');
    },
  };
}
