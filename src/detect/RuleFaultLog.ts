/** Problems a rule raised at run time; the rule is skipped for that record, others go on. */
export interface RuleFault {
  readonly ruleId: string;
  readonly message: string;
  readonly offset: number;
}

/** A scan's rule faults: their total, and the first few as samples. */
export interface RuleFaults {
  readonly total: number;
  readonly samples: readonly RuleFault[];
}

/** No rule faults (what a state without a scan's own counts reports). */
export const NO_FAULTS: RuleFaults = { total: 0, samples: [] };

/** Rule faults kept as samples (all are counted). */
const MAX_SAMPLES = 20;

/** Counts rule faults and keeps the first `MAX_SAMPLES` (plain data: it crosses threads as is). */
export class RuleFaultLog {
  private readonly samples: RuleFault[] = [];
  private total = 0;

  record(ruleId: string, err: unknown, offset: number): void {
    this.total++;
    if (this.samples.length < MAX_SAMPLES)
      this.samples.push({ ruleId, message: (err as Error).message, offset });
  }

  report(): RuleFaults {
    return { total: this.total, samples: this.samples };
  }

  /** Adds the faults other threads' logs reported over other records: samples by input offset. */
  absorb(reports: readonly RuleFaults[]): void {
    for (const r of reports) {
      this.total += r.total;
      this.samples.push(...r.samples);
    }
    this.samples.sort((a, b) => a.offset - b.offset);
    this.samples.length = Math.min(this.samples.length, MAX_SAMPLES);
  }
}

/** The faults a log reported as `now` that it recorded after it reported `before`. */
export function faultsSince(now: RuleFaults, before: { total: number; kept: number }): RuleFaults {
  return { total: now.total - before.total, samples: now.samples.slice(before.kept) };
}
