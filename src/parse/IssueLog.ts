import type { ParseIssue } from "./types.js";

/** How many issue samples a scan keeps for its report (all are counted). */
export const ISSUE_LIMITS = { samples: 20 } as const;

export interface IssueReport {
  /** Count per issue code of input deliberately not read as events (header lines, classic text). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Count per issue code of records that should have been events (malformed, truncated). */
  readonly errors: Readonly<Record<string, number>>;
  readonly errorCount: number;
  readonly skippedCount: number;
  /** The first issues, in input order. */
  readonly samples: readonly ParseIssue[];
}

/**
 * The one skip policy every parser reports to: a bad record is counted, sampled and passed to
 * `log`, and reading goes on. Nothing that a parser reports is ever dropped without a count.
 */
export class IssueLog {
  private readonly skipped: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private readonly samples: ParseIssue[] = [];
  private errorCount = 0;
  private skippedCount = 0;

  constructor(private readonly log?: (issue: ParseIssue) => void) {}

  readonly onIssue = (issue: ParseIssue): void => {
    const table = issue.severity === "error" ? this.errors : this.skipped;
    table[issue.code] = (table[issue.code] ?? 0) + 1;
    if (issue.severity === "error") this.errorCount++;
    else this.skippedCount++;
    if (this.samples.length < ISSUE_LIMITS.samples) this.samples.push(issue);
    this.log?.(issue);
  };

  report(): IssueReport {
    return {
      skipped: { ...this.skipped },
      errors: { ...this.errors },
      errorCount: this.errorCount,
      skippedCount: this.skippedCount,
      samples: [...this.samples],
    };
  }
}
