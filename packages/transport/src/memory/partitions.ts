/**
 * Network partitions as a list of cuts. A cut either separates two groups from each other, or (with one group)
 * separates a group from every address outside it. Cuts are symmetric: if A cannot reach B, B cannot reach A.
 */

/** A cut that can be healed on its own. */
export interface Partition {
  /** Removes this cut; other cuts stay. */
  heal(): void;
}

interface Cut {
  readonly a: ReadonlySet<string>;
  readonly b: ReadonlySet<string> | null;
}

/** The set of active cuts. */
export class PartitionTable {
  private readonly cuts = new Set<Cut>();

  /** Adds a cut between `groupA` and `groupB`, or between `groupA` and everyone else. */
  add(groupA: Iterable<string>, groupB?: Iterable<string>): Partition {
    const cut: Cut = { a: new Set(groupA), b: groupB === undefined ? null : new Set(groupB) };
    this.cuts.add(cut);
    return { heal: () => void this.cuts.delete(cut) };
  }

  /** Removes every cut. */
  clear(): void {
    this.cuts.clear();
  }

  /** Whether any cut separates `from` and `to`. */
  isCut(from: string, to: string): boolean {
    if (this.cuts.size === 0 || from === to) return false;
    for (const { a, b } of this.cuts) {
      if (b === null) {
        if (a.has(from) !== a.has(to)) return true;
      } else if ((a.has(from) && b.has(to)) || (b.has(from) && a.has(to))) {
        return true;
      }
    }
    return false;
  }
}
