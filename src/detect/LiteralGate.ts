import { AhoCorasick } from "../rules/sigma/AhoCorasick.js";
import { MemoScan } from "../rules/sigma/MemoScan.js";
import type { FieldReader } from "../rules/types.js";

/**
 * Automata of recent literal sets. A scan builds its rule index anew, and building the
 * automaton of every security_content endpoint literal took 15-20 ms of each scan (the rules of
 * bench/run.ts (m) "many rules"; 1-6 ms with this cache), paid per
 * input (per S3 object in the Lambda); scanning is synchronous, so scans can share one.
 */
const recent = new Map<string, MemoScan>();
const RECENT_MAX = 8;

function automatonOf(literals: readonly string[]): MemoScan {
  const key = literals.join("\u0000");
  let automaton = recent.get(key);
  if (automaton === undefined) {
    automaton = new MemoScan(new AhoCorasick(literals));
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
    recent.set(key, automaton);
  }
  return automaton;
}

/**
 * Opens rules by their required literals (see `requiredLiterals`): one Aho-Corasick pass over
 * each verbatim field of a record finds which literals it holds, and a rule is opened when one
 * of its own is among them. Sound because every record a rule matches holds one of its
 * literals in a verbatim field, lower-cased the way rules compare (`toLowerCase`).
 */
export class LiteralGate {
  /** The automaton of the literals, its scans remembered by value (see `MemoScan`). */
  private readonly automaton: MemoScan;
  /** Rules opened by each literal id. */
  private readonly opens: readonly (readonly number[])[];
  private readonly fields: readonly string[];
  private readonly hits: Int32Array;
  /** `marks[r] === stamp` marks rule r as opened for the current record. */
  private readonly marks: Uint32Array;
  private stamp = 0;
  /** Rules opened for the last record (reused). */
  private readonly out: number[] = [];

  /** `rules`: [rule index, its literals]; `fields`: the dataset's verbatim fields. */
  constructor(
    rules: ReadonlyArray<readonly [number, readonly string[]]>,
    fields: Iterable<string>,
    ruleCount: number,
  ) {
    const byLiteral = new Map<string, number[]>();
    for (const [r, literals] of rules) {
      for (const l of literals) {
        const list = byLiteral.get(l);
        if (list === undefined) byLiteral.set(l, [r]);
        else if (list[list.length - 1] !== r) list.push(r);
      }
    }
    this.automaton = automatonOf([...byLiteral.keys()]);
    this.opens = [...byLiteral.values()];
    this.fields = [...fields];
    this.hits = new Int32Array(byLiteral.size);
    this.marks = new Uint32Array(ruleCount);
  }

  /** True when the last `open` opened rule `r`. */
  isOpen(r: number): boolean {
    return this.marks[r] === this.stamp;
  }

  /**
   * The rules the current record opens, in no particular order (the array is reused by the
   * next call). `read` gives its fields lower-cased, as the rules read them (so they are
   * lower-cased once, and scanned as flat strings: see `AhoCorasick.scanLower`).
   */
  open(read: FieldReader): readonly number[] {
    const out = this.out;
    out.length = 0;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    const { automaton, opens, hits, marks, stamp } = this;
    for (const f of this.fields) {
      const v = read(f);
      if (v === undefined || v === "") continue;
      const found = automaton.scan(v, hits);
      for (let h = 0; h < found; h++) {
        for (const r of opens[hits[h] as number] as readonly number[]) {
          if (marks[r] !== stamp) {
            marks[r] = stamp;
            out.push(r);
          }
        }
      }
    }
    return out;
  }
}
