/** Where a finding's evidence is: the object or file, and the span of matching events in it. */
export interface FindingSource {
  /** `file:///...`, `s3://bucket/key` or `stdin:`. */
  readonly uri: string;
  readonly version_id?: string;
  readonly etag?: string;
  /**
   * In an archive (zip, tar): the members holding the first and the last matching event, as
   * paths in the archive; lines and records then count within each member.
   */
  readonly first_member?: string;
  readonly last_member?: string;
  /** Text formats: first line of the first and last line of the last matching event. */
  readonly first_line?: number;
  readonly last_line?: number;
  /** EVTX: record numbers of the first and last matching event. */
  readonly first_record?: number;
  readonly last_record?: number;
}

/** The contract between the engine, every sink and every consumer (see README). */
export interface Finding {
  /** sha256 hex of detection id, by-values and source (uri, version id or else eTag): stable across re-scans. */
  readonly finding_id: string;
  readonly detection: {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    readonly version: number | null;
    readonly mitre_attack_id: readonly string[];
    readonly analytic_story: readonly string[];
  };
  readonly risk_score: number | null;
  readonly impact: number | null;
  readonly confidence: number | null;
  readonly message: string;
  readonly count: number;
  /** ISO-8601 UTC, millisecond precision; null when no matching event had a valid time. */
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  /** The by-fields of the detection and their values (`null` string for a missing field). */
  readonly fields: Readonly<Record<string, string>>;
  /**
   * The rule's other aggregations by output name, when it has any: `values(...)` a sorted list,
   * `dc(...)`/`count(...)` a number, `latest(...)`/`earliest(...)` a value.
   */
  readonly aggregates?: Readonly<Record<string, readonly string[] | number | string | null>>;
  /**
   * Fields the detection's pipes after tstats created or changed (`| eval`, `| rex`, `| rename`
   * targets), by name with the datamodel prefix dropped, when there are any: a string, a number
   * or a multivalue list. The by-fields in `fields` keep their tstats values (they identify the
   * finding); a pipe that rewrites one (`| eval process=...`) shows the new value here.
   */
  readonly computed?: Readonly<Record<string, readonly string[] | number | string>>;
  readonly source: FindingSource;
  /**
   * Set only by the pipeline's sinks, on a finding too large for them (`fitFinding`): the
   * paths of the values cut short (`fields.process`, `message`, `aggregates.cmds`).
   */
  readonly truncated?: readonly string[];
}

/** Identifies the scanned input in findings. */
export interface SourceRef {
  readonly uri: string;
  readonly versionId?: string;
  readonly etag?: string;
}

/**
 * Which part of what a scan counted its `state` holds. A split scan (`ChunkPool`) shares the
 * rules out to its threads, each of which builds the findings of its own: a thread hands each
 * other one the groups of that one's rules, and the scan's thread alone the rest.
 */
export interface StatePart {
  /** Whether it holds a security_content rule's groups (by index in the rule list). */
  readonly rules: (rule: number) => boolean;
  /** Whether it holds a Sigma rule's groups. */
  readonly sigmaRules: (rule: number) => boolean;
  /** Whether it holds what is no rule's: event counts, rule faults, the second pass's index. */
  readonly rest: boolean;
}
