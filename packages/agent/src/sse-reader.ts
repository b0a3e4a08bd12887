/** A reader of server-sent events on the client side (`gossip monitor`, tests): frames into `{ event, data }`. */

/** One server-sent event: its type and its JSON data. */
export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
}

/** Splits a text stream into server-sent events; comments and frames without `event` and `data` are skipped. */
export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Uint8Array): SseMessage[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const out: SseMessage[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) out.push({ event, data: JSON.parse(data) as unknown });
    }
    return out;
  }
}
