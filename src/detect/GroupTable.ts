/**
 * The groups of one tstats by the ids of their by-values (see `Aggregator.ids`): an
 * open-addressing hash table over fixed-width tuples of integers, stored flat. Group numbers
 * are given in order of first sight, from 0. Why: keys built as strings (two char codes per
 * id, then hashed by a `Map`) were the largest allocation and ~20% of the security_content
 * matching time of `bench/run.ts` (m) "many rules" (~20 join subsearches group every process
 * record); tuples hashed in place allocate nothing per record.
 */
export class GroupTable {
  /** The tuple of each group: ids `[g * width, (g + 1) * width)`. */
  private tuples: Int32Array;
  /** Per hash slot: group number + 1, or 0 when empty. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(readonly width: number) {
    this.tuples = new Int32Array(Math.max(width, 1) * 8);
    this.slots = new Int32Array(16);
    this.mask = 15;
  }

  /** Number of groups. */
  get size(): number {
    return this.count;
  }

  /** The `i`-th id of group `g`. */
  idAt(g: number, i: number): number {
    return this.tuples[g * this.width + i] as number;
  }

  /** The hash slot of the tuple `ids[0, width)`: where its group is, or the empty one it would take. */
  private probe(ids: Int32Array): number {
    const { width, tuples, slots, mask } = this;
    let s = hash(ids, 0, width) & mask;
    for (;;) {
      const entry = slots[s] as number;
      if (entry === 0) return s;
      const base = (entry - 1) * width;
      let i = 0;
      while (i < width && tuples[base + i] === ids[i]) i++;
      if (i === width) return s;
      s = (s + 1) & mask;
    }
  }

  /** The group of the tuple `ids[0, width)`, added as the next number when it is new. */
  findOrAdd(ids: Int32Array): number {
    const s = this.probe(ids);
    const entry = this.slots[s] as number;
    if (entry !== 0) return entry - 1;
    const width = this.width;
    const g = this.count++;
    if (this.tuples.length < this.count * width) {
      const grown = new Int32Array(this.tuples.length * 2);
      grown.set(this.tuples);
      this.tuples = grown;
    }
    const base = g * width;
    for (let i = 0; i < width; i++) this.tuples[base + i] = ids[i] as number;
    this.slots[s] = g + 1;
    // at most half full
    if (this.count * 2 > this.slots.length) this.rehash();
    return g;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const { width, tuples } = this;
    for (let g = 0; g < this.count; g++) {
      let s = hash(tuples, g * width, width) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = g + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hash(ids: Int32Array, at: number, width: number): number {
  let h = 0x811c9dc5;
  for (let i = at; i < at + width; i++) {
    h = Math.imul(h ^ (ids[i] as number), 0x01000193);
    h ^= h >>> 15;
  }
  return Math.imul(h ^ (h >>> 13), 0x5bd1e995) ^ (h >>> 16);
}
