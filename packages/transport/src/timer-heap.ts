/**
 * A binary min-heap of timers ordered by (due time, scheduling sequence). The sequence number makes ties fire in
 * the order they were scheduled, which is what makes a virtual clock deterministic. Cancelled timers stay in the
 * heap and are skipped when they reach the top (lazy deletion keeps `clearTimeout` O(1)).
 */

/** One scheduled callback. */
export interface HeapTimer {
  readonly due: number;
  readonly seq: number;
  fn: (() => void) | null;
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** Min-heap of {@link HeapTimer}s. */
export class TimerHeap {
  private readonly items: HeapTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): HeapTimer | undefined {
    return this.items[0];
  }

  push(timer: HeapTimer): void {
    const items = this.items;
    let i = items.length;
    items.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(timer, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = timer;
  }

  pop(): HeapTimer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(items[r]!, items[l]!) ? r : l;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
