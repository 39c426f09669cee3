import type { WinEvent } from "../../parse/types.js";
import type { EventView } from "./EventView.js";
import type { Requirement } from "./requirement.js";

export const SIGMA_LEVELS = ["informational", "low", "medium", "high", "critical"] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/** What a finding says about the Sigma rule that produced it. */
export interface SigmaMeta {
  readonly id: string;
  readonly title: string;
  readonly status: string | null;
  readonly level: SigmaLevel | null;
  readonly description: string | null;
  readonly tags: readonly string[];
  /** `T1059.001` etc., from `attack.t1059.001` tags, upper-cased, in tag order. */
  readonly mitre_attack_id: readonly string[];
  readonly logsource: Readonly<Record<string, string>>;
  readonly falsepositives: readonly string[];
}

/** A compiled predicate over one event (through its per-event cache). */
export type ViewTest = (view: EventView) => boolean;

/**
 * The rule compiled for one family of events (e.g. Sysmon 1, or Security 4688 with its field
 * mapping): `keys` are the event keys it applies to (see `eventKey`).
 */
export interface SigmaVariant {
  readonly label: string;
  readonly keys: readonly string[];
  readonly test: ViewTest;
  /** Literals one of which every matching event holds (null: no such guarantee). */
  readonly req: Requirement;
}

/** A Sigma rule ready to run: compiled once at load; only `test`/`match` run per event. */
export interface SigmaRule {
  readonly format: "sigma";
  readonly meta: SigmaMeta;
  readonly file: string;
  /** Every event key of every variant. */
  readonly eventKeys: readonly string[];
  readonly variants: readonly SigmaVariant[];
  /** Convenience for one event; scans use `SigmaIndex`, which shares one `EventView`. */
  readonly match: (event: WinEvent) => boolean;
}

/** Result of loading one Sigma rule (a file may hold several through a collection). */
export type SigmaLoad =
  | { readonly status: "ok"; readonly file: string; readonly rule: SigmaRule }
  | {
      readonly status: "unsupported" | "error";
      readonly file: string;
      readonly id?: string;
      readonly name?: string;
      readonly reason: string;
    };

/** Load-time settings. */
export interface SigmaOptions {
  /** Values for `|expand` placeholders, by name without `%` (e.g. `Administrators`). */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}
