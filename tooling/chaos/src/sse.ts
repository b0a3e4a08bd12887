/** An incremental parser of server-sent events (the subset agents send: `id`, `event`, `data`, comments). */

/** One complete event. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** Feeds chunks in, calls `onMessage` for every complete event; bounds a line at `maxLine` bytes. */
export class SseParser {
  private buffer = '';
  private id: string | undefined;
  private event = 'message';
  private data: string[] = [];

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    private readonly maxLine = 1024 * 1024,
  ) {}

  /** Consumes a chunk of the stream. */
  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
    // A line that never ends is a broken peer, not an event: drop it rather than grow without bound.
    if (this.buffer.length > this.maxLine) this.buffer = '';
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onMessage({ id: this.id, event: this.event, data: this.data.join('\n') });
      this.event = 'message';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}
