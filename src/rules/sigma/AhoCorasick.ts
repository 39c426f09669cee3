/**
 * Finds which of many needles occur in a text in one pass (Aho-Corasick): the cost is the
 * text length plus the hits, however many needles there are. Built once at load from the
 * lower-cased literals the rules require; the text is lower-cased as it is scanned.
 *
 * For the ASCII characters of the needles the automaton is a dense DFA (every failure
 * transition resolved at build time): a code unit maps, through one table lookup that also
 * lower-cases it, to a class, and a state steps with one more lookup. Other needle characters
 * (rare in both needles and text; the SigmaHQ CommandLine needles hold ~1,500 distinct ones,
 * too many for dense rows) step through a map and the failure links. Why: `bench/run.ts` (m)
 * "many rules": the trie-and-fail-link scan (children as linked lists) took ~55 ns a character
 * over the SigmaHQ process_creation needles, 10% of the scan; the dense steps take a few ns.
 */
export class AhoCorasick {
  /** Class of each code unit after lower-casing: 0 (in no needle), a dense class, SPARSE or COMPLEX. */
  private readonly fold: Uint16Array;
  /** Class of each needle code unit as it is (for text already lower-cased as a whole). */
  private readonly plain: Map<number, number>;
  /** `plain` for the ASCII code units (0: in no needle). */
  private readonly ascii = new Uint16Array(128);
  /** Number of dense classes, 0 included: a state's row width in `delta`. */
  private readonly width: number;
  /** Next state of each state and dense class. */
  private readonly delta: Uint16Array | Int32Array;
  /** Children through non-ASCII characters, by `state * 65536 + code unit`. */
  private sparse = new Map<number, number>();
  private fail: Int32Array;
  /** Needle ids ending at state s (own or through fail links): outIds[outStart[s]..outStart[s+1]). */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  /** Per needle: the scan it was last reported in. */
  private readonly seen: Int32Array;
  private gen = 0;

  constructor(needles: readonly string[]) {
    this.seen = new Int32Array(needles.length);
    const plain = new Map<number, number>();
    let total = 1;
    for (const needle of needles) {
      total += needle.length;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (c < 0x80 && !plain.has(c)) plain.set(c, plain.size + 1);
      }
    }
    const width = plain.size + 1;
    for (const needle of needles) {
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (c >= 0x80) plain.set(c, SPARSE);
      }
    }
    this.plain = plain;
    for (const [c, k] of plain) if (c < 0x80) this.ascii[c] = k;
    this.width = width;
    // Every code unit that lower-cases to a needle character gets its class; the others 0 or
    // COMPLEX (a copy of the shared template, not a pass over all 65,536 code units).
    const fold = FOLD_TEMPLATE.slice();
    for (const [c, k] of plain) {
      for (const u of UPPER_OF.get(c) ?? (LOWER[c] === c ? [c] : [])) fold[u] = k;
    }
    this.fold = fold;

    // The trie, in the table that becomes the DFA: 0 means "no child" (the root is no child).
    // It grows with the states (needles share prefixes: the SigmaHQ CommandLine needles make
    // ~46,000 states of ~150,000 characters, and a table sized for the characters took 40 MB).
    const sparse = this.sparse;
    const trie: Trie = {
      goto: new Int32Array(Math.min(total, 1024) * width),
      states: 1,
      width,
      limit: total * width,
      plain,
      sparse,
      sparseKids: [undefined],
      own: [undefined],
    };
    for (let id = 0; id < needles.length; id++) insertNeedle(trie, needles[id] as string, id);
    const { goto, states, sparseKids, own } = trie;

    // Breadth-first: a state's missing dense transitions are its fail state's, resolved before
    // it (a fail state is shallower). The root's missing transitions stay 0, the root itself.
    const fail = new Int32Array(states);
    this.fail = fail;
    const outs: (readonly number[] | undefined)[] = own.slice();
    const queue: number[] = [];
    const link = (child: number, viaFail: number): void => {
      fail[child] = viaFail;
      const inherited = outs[viaFail];
      const mine = own[child];
      if (inherited !== undefined)
        outs[child] = mine === undefined ? inherited : [...mine, ...inherited];
      queue.push(child);
    };
    for (let k = 1; k < width; k++) {
      const child = goto[k] as number;
      if (child !== 0) queue.push(child);
    }
    for (const c of sparseKids[0] ?? []) queue.push(sparse.get(c) as number);
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      const f = fail[s] as number;
      resolveRow(goto, s, f, width, link);
      for (const c of sparseKids[s] ?? []) {
        link(sparse.get(s * 65536 + c) as number, this.sparseStep(f, c));
      }
    }
    // States renumbered breadth-first (the queue's order), so that the shallow states, where a
    // scan spends most of its steps, are the first rows of the table, together in cache. Why:
    // `bench/run.ts` (m) "many rules": between two events the rest of the scan evicts the
    // 6.5 MB SigmaHQ CommandLine table, and with states in needle order a step was a cache
    // miss (~60 ns a character, against ~12 with the table in cache).
    const order = new Int32Array(states);
    const renumber = new Int32Array(states);
    for (let q = 0; q < queue.length; q++) {
      const old = queue[q] as number;
      order[q + 1] = old;
      renumber[old] = q + 1;
    }
    // 16-bit states halve the table.
    const delta =
      states <= 65536 ? new Uint16Array(states * width) : new Int32Array(states * width);
    const newFail = new Int32Array(states);
    for (let n = 0; n < states; n++) {
      const old = order[n] as number;
      copyRow(delta, n * width, goto, old * width, width, renumber);
      newFail[n] = renumber[fail[old] as number] as number;
    }
    this.delta = delta;
    this.fail = newFail;
    const renumbered = new Map<number, number>();
    for (const [at, next] of sparse) {
      const st = Math.floor(at / 65536);
      renumbered.set((renumber[st] as number) * 65536 + (at % 65536), renumber[next] as number);
    }
    this.sparse = renumbered;
    const outStart = new Int32Array(states + 1);
    const ids: number[] = [];
    for (let n = 0; n < states; n++) {
      outStart[n] = ids.length;
      const o = outs[order[n] as number];
      if (o !== undefined) ids.push(...o);
    }
    outStart[states] = ids.length;
    this.outStart = outStart;
    this.outIds = Int32Array.from(ids);
  }

  /** The state after `s` reads non-ASCII code unit `c` (through fail links). */
  private sparseStep(s: number, c: number): number {
    const { sparse, fail } = this;
    for (;;) {
      const next = sparse.get(s * 65536 + c);
      if (next !== undefined) return next;
      if (s === 0) return 0;
      s = fail[s] as number;
    }
  }

  /**
   * Collects the distinct needle ids found in `text` into `hits` (from index 0) and returns
   * how many. The text is lower-cased on the fly, code unit by code unit (a text holding a
   * character whose lower case is longer than one code unit is lower-cased as a whole first).
   */
  scan(text: string, hits: Int32Array): number {
    const { fold, width, delta, outStart, outIds, seen } = this;
    if (this.gen >= 0x7fffffff) {
      seen.fill(0);
      this.gen = 0;
    }
    const gen = ++this.gen;
    let count = 0;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const k = fold[code] as number;
      if (k < SPARSE) s = delta[s * width + k] as number;
      else if (k === SPARSE) s = this.sparseStep(s, LOWER[code] as number);
      else return this.scanLowered(text.toLowerCase(), hits, gen);
      const end = outStart[s + 1] as number;
      for (let o = outStart[s] as number; o < end; o++) {
        const id = outIds[o] as number;
        if (seen[id] !== gen) {
          seen[id] = gen;
          hits[count++] = id;
        }
      }
    }
    return count;
  }

  /**
   * `scan` of a text already lower-cased as a whole (`toLowerCase`), e.g. a value the rules
   * read lower-cased anyway: no folding, and the text is a flat string. Why: `bench/run.ts` (m)
   * "many rules": the parser's values are slices of a 64 KiB text, and stepping through
   * them with the 128 KiB folding table of each field's automaton took 12-35 ns a character
   * (Sysmon 1 fields, SigmaHQ process_creation needles); lower-cased copies scan in ~5.
   */
  scanLower(text: string, hits: Int32Array): number {
    if (this.gen >= 0x7fffffff) {
      this.seen.fill(0);
      this.gen = 0;
    }
    return this.scanLowered(text, hits, ++this.gen);
  }

  /** `scan` of a text lower-cased as a whole (the rare path of `scan`: restarts its hits). */
  private scanLowered(text: string, hits: Int32Array, gen: number): number {
    const { plain, ascii, width, delta, outStart, outIds, seen } = this;
    let count = 0;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const k = c < 0x80 ? (ascii[c] as number) : (plain.get(c) ?? 0);
      s = k === SPARSE ? this.sparseStep(s, c) : (delta[s * width + k] as number);
      const end = outStart[s + 1] as number;
      for (let o = outStart[s] as number; o < end; o++) {
        const id = outIds[o] as number;
        // Ids found before the restart carry this scan's mark: report them again.
        if (seen[id] !== -gen) {
          seen[id] = -gen;
          hits[count++] = id;
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

/** The trie of an automaton being built (see its constructor). */
interface Trie {
  /** Dense children by `state * width + class` (0: none), grown as states are added. */
  goto: Int32Array;
  states: number;
  readonly width: number;
  /** The most `goto` can need (one state per needle character). */
  readonly limit: number;
  readonly plain: ReadonlyMap<number, number>;
  readonly sparse: Map<number, number>;
  readonly sparseKids: (number[] | undefined)[];
  /** Needle ids ending at each state. */
  readonly own: (number[] | undefined)[];
}

// The build's loops are functions called per needle and per state rather than loops in the
// constructor: an automaton is built once, and a constructor-long loop ran interpreted for
// most of its steps (the SigmaHQ CommandLine automaton took 250 ms built first, 70 ms built
// again; as functions its first build went 254 -> 214 ms, measured with bench/profile.ts (m),
// which builds ~20 automata inside its scan time).

/** Adds needle `id` to the trie. */
function insertNeedle(trie: Trie, needle: string, id: number): void {
  const { width, plain, sparse, sparseKids, own } = trie;
  let s = 0;
  for (let i = 0; i < needle.length; i++) {
    const c = needle.charCodeAt(i);
    const k = plain.get(c) as number;
    const at = k === SPARSE ? s * 65536 + c : s * width + k;
    let next = k === SPARSE ? (sparse.get(at) ?? 0) : (trie.goto[at] as number);
    if (next === 0) {
      next = trie.states++;
      if (trie.states * width > trie.goto.length) {
        const grown = new Int32Array(Math.min(trie.goto.length * 2, trie.limit));
        grown.set(trie.goto);
        trie.goto = grown;
      }
      own.push(undefined);
      sparseKids.push(undefined);
      if (k !== SPARSE) trie.goto[at] = next;
      else {
        sparse.set(at, next);
        const kids = sparseKids[s];
        if (kids === undefined) sparseKids[s] = [c];
        else kids.push(c);
      }
    }
    s = next;
  }
  const ends = own[s];
  if (ends === undefined) own[s] = [id];
  else ends.push(id);
}

/** Fills row `s`'s missing dense transitions from its fail state `f`'s; links its children. */
function resolveRow(
  goto: Int32Array,
  s: number,
  f: number,
  width: number,
  link: (child: number, viaFail: number) => void,
): void {
  const row = s * width;
  const failRow = f * width;
  for (let k = 1; k < width; k++) {
    const child = goto[row + k] as number;
    const viaFail = goto[failRow + k] as number;
    if (child === 0) goto[row + k] = viaFail;
    else link(child, viaFail);
  }
}

/** Copies one row of `goto` into `delta`, its states renumbered. */
function copyRow(
  delta: Uint16Array | Int32Array,
  to: number,
  goto: Int32Array,
  from: number,
  width: number,
  renumber: Int32Array,
): void {
  for (let k = 0; k < width; k++) delta[to + k] = renumber[goto[from + k] as number] as number;
}

/** Marks a code unit whose lower case is not a single code unit. */
const COMPLEX = 0xffffffff;
/** Classes beyond the dense ones (at most 128, the ASCII characters). */
const SPARSE = 0xfffe;
const COMPLEX_CLASS = 0xffff;

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

/** The code units lower-casing to each character (itself included), where there are several. */
const UPPER_OF: ReadonlyMap<number, readonly number[]> = (() => {
  const all = new Map<number, number[]>();
  for (let c = 0; c < 65536; c++) {
    const l = LOWER[c] as number;
    if (l === COMPLEX) continue;
    const list = all.get(l);
    if (list === undefined) all.set(l, [c]);
    else list.push(c);
  }
  for (const [l, list] of all) if (list.length === 1 && list[0] === l) all.delete(l);
  return all;
})();

/** `fold` before a needle's characters are classed: COMPLEX_CLASS where lower case is not one code unit. */
const FOLD_TEMPLATE: Uint16Array = (() => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) if (LOWER[c] === COMPLEX) t[c] = COMPLEX_CLASS;
  return t;
})();
