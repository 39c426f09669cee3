import type { Datamodel } from "../model/datamodels.js";
import type { Pipeline } from "./spl/eval/index.js";

/** Reads a record's field, lower-cased (undefined when the record lacks it). */
export type FieldReader = (field: string) => string | undefined;

/** What a finding says about the detection that produced it. */
export interface DetectionMeta {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly version: number | null;
  readonly status: string | null;
  readonly mitre_attack_id: readonly string[];
  readonly analytic_story: readonly string[];
  readonly risk_score: number | null;
  readonly impact: number | null;
  readonly confidence: number | null;
  /** Message template with `$field$` placeholders. */
  readonly message: string;
}

/** A by-field: a field of the rule's dataset, a default field (`host`), or `_time` (bucketed by the rule's `span`). */
export type ByField = string;

/** An aggregation besides `count`, `min(_time)` and `max(_time)`, which every rule gets. */
export interface AggregateSpec {
  readonly fn: "values" | "dc" | "latest" | "earliest" | "count";
  readonly field: string;
  /** Output name (`as`), after `drop_dm_object_name`. */
  readonly as: string;
}

/**
 * One `tstats` over one dataset, compiled once at load: which records it takes (`match`) and
 * how it groups them. Only `match` runs per record.
 */
export interface TstatsPlan {
  /** The dataset whose records this tstats reads; records of other datasets never reach it. */
  readonly datamodel: Datamodel;
  /** Group-by fields, as output names (object prefix dropped). */
  readonly by: readonly ByField[];
  /** Bucket size in ms for a `_time` by-field (`span=1h`); null groups by exact time. */
  readonly span: number | null;
  readonly aggregates: readonly AggregateSpec[];
  /**
   * Value given to a missing by-field (`fillnull_value`); null when the search sets none, and
   * then a record missing a by-field is not counted, as tstats omits it.
   */
  readonly fillnull: string | null;
  readonly match: (read: FieldReader) => boolean;
  /**
   * Lower-cased literals one of which every matching record holds in a verbatim field, or null
   * when the rule gives no such guarantee (see `requiredLiterals`).
   */
  readonly literals: readonly string[] | null;
  /**
   * The verbatim fields the expression compares (where `literals` are found); `RuleIndex`
   * looks for them there only. Absent: any verbatim field.
   */
  readonly literalFields?: readonly string[];
  /**
   * Lower-cased image names (`process_name` or `original_file_name`) one of which every matching
   * record has, or null when the rule can match any record (see `dispatchKeys`).
   */
  readonly names: readonly string[] | null;
  /**
   * The tstats command as written (whitespace normalised): plans with the same signature give
   * the same groups, so the aggregator fills one set for all of them. Absent: never shared.
   */
  readonly signature?: string;
}

/** A join's subsearch: a tstats filled in the same pass as the rule's own, and its pipes. */
export interface Subsearch extends TstatsPlan {
  readonly pipeline: Pipeline;
}

/** A rule ready to run: its own tstats, the pipes after it, and the subsearches they join. */
export interface CompiledRule extends TstatsPlan {
  readonly meta: DetectionMeta;
  readonly file: string;
  /**
   * The pipes after tstats (`where`, `eval`, `rex`, `search`, `join`, ...), compiled once, run
   * on each group's row when findings are built. Absent for rules built without a search.
   */
  readonly pipeline?: Pipeline;
  /** The subsearches of the rule's joins, by the index its pipeline gives them. */
  readonly subsearches?: readonly Subsearch[];
}

/** Result of loading one rule file. */
export type RuleLoad =
  | { readonly status: "ok"; readonly file: string; readonly rule: CompiledRule }
  | {
      readonly status: "unsupported" | "error";
      readonly file: string;
      readonly id?: string;
      readonly name?: string;
      readonly reason: string;
    };
