import type { CimRecord } from "../model/types.js";
import type { FieldReader, TstatsPlan } from "../rules/types.js";
import { LiteralGate } from "./LiteralGate.js";

/**
 * Chooses, per record, the rules (of one dataset) that can match it: those indexed under the record's
 * `process_name` or `original_file_name` (lower-cased), plus those that can match any process.
 * Built once per rule set. Why: with every supported security_content endpoint detection
 * loaded (~500 rules), most name a handful of binaries; `bench/run.ts` "many rules" measures it.
 * Rules naming no image but requiring literals (given the dataset's `verbatim` fields) run only
 * on records holding one (`LiteralGate`). Why: `bench/run.ts` (m) "many rules": ~120 such
 * Endpoint.Processes detections ran on every Sysmon 1 record, half of the detection time.
 * A rule with both names and literals runs only when both say it can match (each is
 * necessary on its own). Why: `bench/profile.ts` (m): rules for `cmd.exe` or
 * `powershell.exe` under one parent (`parent_process_name=mshta.exe`) ran on every cmd and
 * PowerShell record, about half of all rule evaluations, matching none.
 */
/**
 * Whether a tstats has nothing to index it by (no image name, no literal every match holds): it
 * is offered every record of its dataset.
 */
export function runsOnEveryRecord(plan: Pick<TstatsPlan, "names" | "literals">): boolean {
  return plan.names === null && plan.literals == null;
}

export class RuleIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly always: number[] = [];
  private readonly gate: LiteralGate | undefined;
  /** 1 for a rule indexed by name that the gate must also open. */
  private readonly alsoGated: Uint8Array;
  /** `seen[r] === stamp` marks rule r as already chosen for the current record. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    rules: readonly Pick<TstatsPlan, "names" | "literals" | "literalFields">[],
    verbatim?: ReadonlySet<string>,
  ) {
    this.seen = new Uint32Array(rules.length);
    this.alsoGated = new Uint8Array(rules.length);
    const gated: [number, readonly string[]][] = [];
    // Only the fields the gated rules compare are searched (a hash or GUID holds no literal of
    // theirs). Why: `bench/run.ts` (m) "many rules": the gate scanned ~650 characters of each
    // Sysmon 1 record, 6% of the scan; the compared fields are about half of them.
    const fields = new Set<string>();
    rules.forEach((rule, r) => {
      const literals = verbatim === undefined ? null : rule.literals;
      if (verbatim !== undefined && literals != null) {
        gated.push([r, literals]);
        for (const f of rule.literalFields ?? verbatim) if (verbatim.has(f)) fields.add(f);
      }
      if (runsOnEveryRecord({ names: rule.names, literals })) this.always.push(r);
      if (rule.names === null) return;
      if (literals != null) this.alsoGated[r] = 1;
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

  /**
   * The rules chosen for the last record, `chosen[0, n)` for the `n` that `select` returned
   * (reused: garbage collection was ~8% of (m) "many rules").
   */
  chosen = new Int32Array(16);

  /**
   * Chooses the rules to run on a record into `chosen`, in rule order, and returns how many.
   * `read` gives the record's fields lower-cased (shared with the rules, so the image names
   * and the gate's fields are lower-cased once). No allocation per record: `bench/run.ts` (m)
   * "many rules" spent ~10% of its security_content matching here when each call built arrays
   * and a view.
   */
  select(read: FieldReader): number {
    const name = read("process_name");
    const original = read("original_file_name");
    const a = name === undefined ? undefined : this.byName.get(name);
    const b = original === undefined || original === name ? undefined : this.byName.get(original);
    const opened = this.gate?.open(read);
    const always = this.always;
    const total = always.length + (opened?.length ?? 0) + (a?.length ?? 0) + (b?.length ?? 0);
    if (this.chosen.length < total) this.chosen = new Int32Array(total * 2);
    const out = this.chosen;
    for (let i = 0; i < always.length; i++) out[i] = always[i] as number;
    if (a === undefined && b === undefined && (opened === undefined || opened.length === 0))
      return always.length;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    const seen = this.seen;
    let n = always.length;
    for (let i = 0; i < n; i++) seen[out[i] as number] = this.stamp;
    n = this.take(opened, n, 0);
    n = this.take(a, n, 1);
    n = this.take(b, n, 1);
    // insertion sort: the lists are each in order, so the runs to merge are short
    for (let i = 1; i < n; i++) {
      const r = out[i] as number;
      let j = i - 1;
      while (j >= 0 && (out[j] as number) > r) {
        out[j + 1] = out[j] as number;
        j--;
      }
      out[j + 1] = r;
    }
    return n;
  }

  /**
   * Appends the rules of `list` not chosen yet to `chosen[n..]`; gives the new count. From the
   * gate's list (`byName` 0) a rule indexed by name is left to its name; from a name's list
   * (`byName` 1) such a rule is taken only when the gate opened it too.
   */
  private take(list: readonly number[] | undefined, n: number, byName: 0 | 1): number {
    if (list === undefined) return n;
    const { seen, stamp, chosen, alsoGated, gate } = this;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as number;
      if (alsoGated[r] === 1 && (byName === 0 || gate?.isOpen(r) !== true)) continue;
      if (seen[r] !== stamp) {
        seen[r] = stamp;
        chosen[n++] = r;
      }
    }
    return n;
  }

  /** Indexes of the rules to run on `record`, in rule order (a copy; see `select`). */
  candidates(record: CimRecord): number[] {
    const fields: Readonly<Partial<Record<string, string>>> = record.fields;
    const n = this.select((f) => fields[f]?.toLowerCase());
    return Array.from(this.chosen.subarray(0, n));
  }
}
