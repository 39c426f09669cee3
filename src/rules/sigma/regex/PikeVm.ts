import { unsupported } from "../errors.js";
import type { AssertKind, RegexFlags, RegexNode } from "./ast.js";
import { isWordChar } from "./parseRegex.js";

const OP_CHAR = 0;
const OP_SPLIT = 1;
const OP_JMP = 2;
const OP_ASSERT = 3;
const OP_MATCH = 4;

/** Largest program (after expanding counted repetitions) the engine accepts for one regex. */
export const MAX_PROGRAM = 20_000;

/**
 * A code unit as a case-insensitive JavaScript regex (no `u` flag) compares it: its upper case,
 * unless that is not one code unit (`ß` -> `SS`) or maps a non-ASCII unit to ASCII (`ſ` -> `S`).
 * Taking the first unit of `toUpperCase()` made `/ß/i` match `S`.
 */
export function canonicalize(c: number): number {
  const up = String.fromCharCode(c).toUpperCase();
  if (up.length !== 1) return c;
  const u = up.charCodeAt(0);
  return c >= 128 && u < 128 ? c : u;
}

/** The lower case of a code unit when it is one unit with the same canonical form, else itself. */
function lowerOf(c: number): number {
  const lo = String.fromCharCode(c).toLowerCase();
  if (lo.length !== 1) return c;
  const l = lo.charCodeAt(0);
  return canonicalize(l) === canonicalize(c) ? l : c;
}

/**
 * A regex run as a Thompson NFA simulation (Pike VM): every thread advances in lock-step over
 * the input, so matching takes O(input length x program size) whatever the pattern. Nested or
 * repeated unbounded quantifiers (`(.*\))+`, `a.*b.*c`), which make a backtracking engine take
 * exponential or high-polynomial time on hostile input, cost the same as any other pattern.
 * Only a yes/no answer is computed (no captures), which is all a rule needs.
 */
export class PikeVm {
  private readonly op: number[] = [];
  private readonly x: number[] = [];
  private readonly y: number[] = [];
  private readonly preds: ((c: number) => boolean)[] = [];
  private readonly asserts: AssertKind[] = [];
  private readonly anchoredStart: boolean;
  // Reused between runs: thread lists and the per-step "already added" marks.
  private cur: Int32Array = new Int32Array(0);
  private next: Int32Array = new Int32Array(0);
  private mark: Int32Array = new Int32Array(0);
  private stack: Int32Array = new Int32Array(0);
  private gen = 0;

  constructor(
    node: RegexNode,
    private readonly flags: RegexFlags,
  ) {
    this.emit(node);
    this.push(OP_MATCH, 0, 0);
    const n = this.op.length;
    this.cur = new Int32Array(n);
    this.next = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(n * 2 + 2);
    this.anchoredStart = startsAnchored(node, flags);
  }

  get size(): number {
    return this.op.length;
  }

  private push(op: number, x: number, y: number): number {
    if (this.op.length >= MAX_PROGRAM) {
      throw unsupported(`regex too large for the linear-time engine (over ${MAX_PROGRAM} steps)`);
    }
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    return this.op.length - 1;
  }

  private pred(test: (c: number) => boolean): number {
    this.preds.push(test);
    return this.preds.length - 1;
  }

  private charPred(node: RegexNode): (c: number) => boolean {
    const ci = this.flags.i;
    switch (node.t) {
      case "char": {
        const c = node.c;
        if (!ci) return (v) => v === c;
        const want = canonicalize(c);
        return (v) => v === c || canonicalize(v) === want;
      }
      case "set": {
        const t = node.test;
        if (!ci) return t;
        // a member matches when its canonical form is v's: v's canonical form or its lower case
        return (v) => {
          if (t(v)) return true;
          const cv = canonicalize(v);
          return (cv !== v && t(cv)) || t(lowerOf(cv));
        };
      }
      default:
        return this.flags.s ? () => true : (v) => v !== 10;
    }
  }

  private emit(node: RegexNode): void {
    switch (node.t) {
      case "char":
      case "set":
      case "any":
        this.push(OP_CHAR, this.pred(this.charPred(node)), 0);
        return;
      case "cat":
        for (const item of node.items) this.emit(item);
        return;
      case "alt": {
        const jumps: number[] = [];
        node.items.forEach((item, k) => {
          if (k < node.items.length - 1) {
            const split = this.push(OP_SPLIT, 0, 0);
            this.x[split] = split + 1;
            this.emit(item);
            jumps.push(this.push(OP_JMP, 0, 0));
            this.y[split] = this.op.length;
          } else this.emit(item);
        });
        for (const j of jumps) this.x[j] = this.op.length;
        return;
      }
      case "rep": {
        for (let k = 0; k < node.min; k++) this.emit(node.node);
        if (node.max === Number.POSITIVE_INFINITY) {
          const split = this.push(OP_SPLIT, 0, 0);
          this.x[split] = split + 1;
          this.emit(node.node);
          this.push(OP_JMP, split, 0);
          this.y[split] = this.op.length;
          return;
        }
        const splits: number[] = [];
        for (let k = node.min; k < node.max; k++) {
          const split = this.push(OP_SPLIT, 0, 0);
          this.x[split] = split + 1;
          splits.push(split);
          this.emit(node.node);
        }
        for (const s of splits) this.y[s] = this.op.length;
        return;
      }
      case "assert":
        this.asserts.push(node.kind);
        this.push(OP_ASSERT, this.asserts.length - 1, 0);
        return;
      case "opaque":
        throw unsupported(`regex ${node.what} cannot run in the linear-time engine`);
    }
  }

  private holds(kind: AssertKind, s: string, pos: number): boolean {
    const n = s.length;
    switch (kind) {
      case "A":
        return pos === 0;
      case "z":
        return pos === n;
      case "^":
        return pos === 0 || (this.flags.m && s.charCodeAt(pos - 1) === 10);
      case "$":
        // Python's `$`: the end, or just before a final newline; with `m`, before any newline.
        return pos === n || (s.charCodeAt(pos) === 10 && (this.flags.m || pos === n - 1));
      case "b":
      case "B": {
        const before = pos > 0 && isWordChar(s.charCodeAt(pos - 1));
        const after = pos < n && isWordChar(s.charCodeAt(pos));
        return (before !== after) === (kind === "b");
      }
    }
  }

  /** Adds `pc`'s epsilon closure at `pos` to `list`; true when it reaches MATCH. */
  private add(
    list: Int32Array,
    count: { n: number },
    pc0: number,
    s: string,
    pos: number,
  ): boolean {
    const { op, x, y, mark, stack } = this;
    const gen = this.gen;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp] as number;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      switch (op[pc]) {
        case OP_CHAR:
          list[count.n++] = pc;
          break;
        case OP_MATCH:
          return true;
        case OP_JMP:
          stack[sp++] = x[pc] as number;
          break;
        case OP_SPLIT:
          stack[sp++] = y[pc] as number;
          stack[sp++] = x[pc] as number;
          break;
        case OP_ASSERT:
          if (this.holds(this.asserts[x[pc] as number] as AssertKind, s, pos)) stack[sp++] = pc + 1;
          break;
      }
    }
    return false;
  }

  /** True when the pattern matches anywhere in `s` (`re.search` semantics). */
  test(s: string): boolean {
    let cur = this.cur;
    let next = this.next;
    const curCount = { n: 0 };
    const nextCount = { n: 0 };
    const { x, preds } = this;
    if (this.gen > 1_000_000_000) {
      this.mark.fill(0);
      this.gen = 0;
    }
    this.gen++;
    if (this.add(cur, curCount, 0, s, 0)) return true;
    for (let pos = 0; pos < s.length; pos++) {
      if (curCount.n === 0 && this.anchoredStart) return false;
      const c = s.charCodeAt(pos);
      this.gen++;
      nextCount.n = 0;
      for (let k = 0; k < curCount.n; k++) {
        const pc = cur[k] as number;
        if ((preds[x[pc] as number] as (c: number) => boolean)(c)) {
          if (this.add(next, nextCount, pc + 1, s, pos + 1)) return true;
        }
      }
      if (!this.anchoredStart && this.add(next, nextCount, 0, s, pos + 1)) return true;
      const t = cur;
      cur = next;
      next = t;
      curCount.n = nextCount.n;
    }
    return false;
  }
}

/** True when every match must start at offset 0 (a leading `\A`, or `^` without `m`). */
function startsAnchored(node: RegexNode, flags: RegexFlags): boolean {
  let first: RegexNode = node;
  while (first.t === "cat" && first.items.length > 0) first = first.items[0] as RegexNode;
  return first.t === "assert" && (first.kind === "A" || (first.kind === "^" && !flags.m));
}
