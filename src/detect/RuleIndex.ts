import type { CimRecord } from "../model/types.js";
import type { TstatsPlan } from "../rules/types.js";
import { LiteralGate } from "./LiteralGate.js";

/**
 * Chooses, per record, the rules (of one dataset) that can match it: those indexed under the record's
 * `process_name` or `original_file_name` (lower-cased), plus those that can match any process.
 * Built once per rule set. Why: with every supported security_content endpoint detection
 * loaded (~500 rules), most name a handful of binaries; `bench/run.ts` "many rules" measures it.
 * Rules naming no image but requiring literals (given the dataset's `verbatim` fields) run only
 * on records holding one (`LiteralGate`). Why: `bench/run.ts` (m) "many rules": ~120 such
 * Endpoint.Processes detections ran on every Sysmon 1 record, half of the detection time.
 */
export class RuleIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly always: number[] = [];
  private readonly gate: LiteralGate | undefined;
  /** `seen[r] === stamp` marks rule r as already chosen for the current record. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    rules: readonly Pick<TstatsPlan, "names" | "literals" | "literalFields">[],
    verbatim?: ReadonlySet<string>,
  ) {
    this.seen = new Uint32Array(rules.length);
    const gated: [number, readonly string[]][] = [];
    // Only the fields the gated rules compare are searched (a hash or GUID holds no literal of
    // theirs). Why: `bench/run.ts` (m) "many rules": the gate scanned ~650 characters of each
    // Sysmon 1 record, 6% of the scan; the compared fields are about half of them.
    const fields = new Set<string>();
    rules.forEach((rule, r) => {
      if (rule.names === null) {
        if (verbatim !== undefined && rule.literals != null) {
          gated.push([r, rule.literals]);
          for (const f of rule.literalFields ?? verbatim) if (verbatim.has(f)) fields.add(f);
        } else this.always.push(r);
        return;
      }
      for (const name of rule.names) {
        const list = this.byName.get(name);
        if (list === undefined) this.byName.set(name, [r]);
        else list.push(r);
      }
    });
    this.gate =
      verbatim === undefined || gated.length === 0
        ? undefined
        : new LiteralGate(gated, fields, rules.length);
  }

  /** Candidates of the last record (reused: garbage collection was ~8% of (m) "many rules"). */
  private out = new Int32Array(16);

  /** Indexes of the rules to run on `record`, in rule order (valid until the next call). */
  candidates(record: CimRecord): ArrayLike<number> & Iterable<number> {
    const fields: Readonly<Partial<Record<string, string>>> = record.fields;
    const name = fields.process_name?.toLowerCase();
    const original = fields.original_file_name?.toLowerCase();
    const a = name === undefined ? undefined : this.byName.get(name);
    const b = original === undefined || original === name ? undefined : this.byName.get(original);
    const opened = this.gate?.open(record);
    if (a === undefined && b === undefined && (opened === undefined || opened.length === 0))
      return this.always;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    const total = this.always.length + (opened?.length ?? 0) + (a?.length ?? 0) + (b?.length ?? 0);
    if (this.out.length < total) this.out = new Int32Array(total * 2);
    const out = this.out;
    let n = 0;
    for (const list of [this.always, opened, a, b]) {
      if (list === undefined) continue;
      for (const r of list) {
        if (this.seen[r] !== this.stamp) {
          this.seen[r] = this.stamp;
          out[n++] = r;
        }
      }
    }
    return out.subarray(0, n).sort();
  }
}
