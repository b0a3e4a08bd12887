/**
 * The last `capacity` lines of a text stream (memberlist's log on stderr), kept so a failing test can show
 * what the Go node was doing without keeping its whole log in memory.
 */
export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity = 400) {}

  /** Appends a chunk of text; complete lines enter the ring, the rest waits for its newline. */
  write(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.capacity) this.lines.shift();
    }
  }

  /** The retained lines (and any unterminated last line), oldest first. */
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}
