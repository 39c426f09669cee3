/**
 * Finds which of many needles occur in a text in one pass (Aho-Corasick): the cost is the
 * text length plus the hits, however many needles there are. Built once at load from the
 * lower-cased literals the rules require; run on lower-cased field values.
 *
 * The trie is stored in flat arrays: the root's transitions in a table indexed by char code
 * (most steps restart at the root), every other node's children as a linked list (a map
 * for nodes with many children measured slower on the SigmaHQ needles).
 */
export class AhoCorasick {
  /** Root transitions for char codes below 256; the rest in `rootWide`. */
  private readonly root = new Int32Array(256);
  private readonly rootWide = new Map<number, number>();
  private firstChild: number[] = [0];
  private sibling: number[] = [0];
  private label: number[] = [0];
  private fail: Int32Array = new Int32Array(1);
  /** Needle ids ending at each node (own or through fail links), null when none. */
  private readonly out: (number[] | null)[] = [null];
  /** Per needle: the scan it was last reported in. */
  private readonly seen: Int32Array;
  private gen = 0;

  constructor(needles: readonly string[]) {
    this.seen = new Int32Array(needles.length);
    needles.forEach((needle, id) => {
      let node = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        let child = this.child(node, c);
        if (child === 0) {
          child = this.label.length;
          this.label.push(c);
          this.firstChild.push(0);
          this.out.push(null);
          if (node === 0) {
            if (c < 256) this.root[c] = child;
            else this.rootWide.set(c, child);
            this.sibling.push(0);
          } else {
            this.sibling.push(this.firstChild[node] as number);
            this.firstChild[node] = child;
          }
        }
        node = child;
      }
      const ends = this.out[node];
      if (ends) ends.push(id);
      else this.out[node] = [id];
    });
    this.link();
  }

  private child(node: number, c: number): number {
    if (node === 0) return c < 256 ? (this.root[c] as number) : (this.rootWide.get(c) ?? 0);
    for (let k = this.firstChild[node] as number; k !== 0; k = this.sibling[k] as number) {
      if (this.label[k] === c) return k;
    }
    return 0;
  }

  /** Breadth-first: each node's fail link is the longest proper suffix that is a trie path. */
  private link(): void {
    const n = this.label.length;
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (const child of this.root) if (child !== 0) queue.push(child);
    for (const child of this.rootWide.values()) queue.push(child);
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      for (let k = this.firstChild[node] as number; k !== 0; k = this.sibling[k] as number) {
        const c = this.label[k] as number;
        let f = fail[node] as number;
        let target = this.child(f, c);
        while (target === 0 && f !== 0) {
          f = fail[f] as number;
          target = this.child(f, c);
        }
        fail[k] = target;
        const inherited = this.out[target];
        if (inherited) this.out[k] = [...(this.out[k] ?? []), ...inherited];
        queue.push(k);
      }
    }
    this.fail = fail;
  }

  /**
   * Collects the distinct needle ids found in `text` into `hits` (from index 0) and returns
   * how many. The text is lower-cased on the fly, code unit by code unit (a text holding a
   * character whose lower case is longer than one code unit is lower-cased as a whole first).
   */
  scan(text: string, hits: Int32Array): number {
    return this.run(text, hits, true);
  }

  /** `scan`; `fold` false when `text` is already lower-cased as a whole. */
  private run(text: string, hits: Int32Array, fold: boolean): number {
    const { root, rootWide, firstChild, sibling, label, fail, out, seen } = this;
    if (this.gen >= 0x7fffffff) {
      seen.fill(0);
      this.gen = 0;
    }
    const gen = ++this.gen;
    let count = 0;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65) {
        const l = LOWER[c] as number;
        if (l === COMPLEX) return this.run(text.toLowerCase(), hits, false);
        c = l;
      }
      while (true) {
        if (node === 0) {
          node = c < 256 ? (root[c] as number) : (rootWide.get(c) ?? 0);
          break;
        }
        let k = firstChild[node] as number;
        while (k !== 0 && label[k] !== c) k = sibling[k] as number;
        if (k !== 0) {
          node = k;
          break;
        }
        node = fail[node] as number;
      }
      const o = out[node];
      if (o !== null) {
        for (const id of o as number[]) {
          if (seen[id] !== gen) {
            seen[id] = gen;
            hits[count++] = id;
          }
        }
      }
    }
    return count;
  }

  /** Number of needles (the size `hits` must have). */
  get needles(): number {
    return this.seen.length;
  }
}

/** Marks a code unit whose lower case is not a single code unit. */
const COMPLEX = 0xffffffff;

/** Lower case of every UTF-16 code unit, as `String.prototype.toLowerCase` gives it alone. */
const LOWER: Uint32Array = (() => {
  const table = new Uint32Array(65536);
  for (let c = 0; c < 65536; c++) {
    const l = String.fromCharCode(c).toLowerCase();
    table[c] = l.length === 1 ? l.charCodeAt(0) : COMPLEX;
  }
  // Final sigma depends on context in a whole-string toLowerCase, and a surrogate pair is
  // lower-cased as one character: let the slow path decide.
  table[0x3a3] = COMPLEX;
  table.fill(COMPLEX, 0xd800, 0xe000);
  return table;
})();
