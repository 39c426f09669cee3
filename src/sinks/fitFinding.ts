import { createHash } from "node:crypto";
import type { Finding } from "../detect/types.js";

/**
 * How large a finding may be in the pipeline's sinks, as UTF-8 JSON: under SQS's 256 KiB
 * message (with its attributes) and DynamoDB's 400 KB item (a finding item, and an aggregate,
 * which holds its fields and message), with room for the rest of each.
 */
export const FINDING_LIMITS = {
  maxBytes: 200 * 1024,
  /** Characters a cut value keeps at the least, before lists lose values instead. */
  minKeep: 256,
} as const;

type Value = string | number | null | readonly string[];

/** A finding's values that can be cut, by path (`fields.process`, `aggregates.cmds[3]`). */
interface Parts {
  fields: Record<string, string>;
  message: string;
  aggregates: Record<string, Value> | undefined;
  computed: Record<string, Value> | undefined;
}

const utf8Bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * `s` cut to `keep` characters (never inside a surrogate pair), marked with its length and a
 * hash of the whole: two long values that share their beginning stay apart (aggregates are
 * keyed by field values).
 */
function cut(s: string, keep: number): string {
  const at = keep > 0 && /[\ud800-\udbff]/.test(s.charAt(keep - 1)) ? keep - 1 : keep;
  const sha = createHash("sha256").update(s).digest("hex").slice(0, 16);
  return `${s.slice(0, at)}… [truncated: ${s.length} characters, sha256 ${sha}]`;
}

/** A list of values with each longer than `keep` cut, and at most `most` of them kept. */
function cutList(list: readonly string[], keep: number, most: number): string[] {
  const kept = list.slice(0, most).map((v) => (v.length > keep ? cut(v, keep) : v));
  if (list.length > most) kept.push(`… [truncated: ${list.length - most} more values]`);
  return kept;
}

function cutRecord(
  record: Record<string, Value> | undefined,
  keep: number,
  most: number,
  path: string,
  cutPaths: Set<string>,
): Record<string, Value> | undefined {
  if (record === undefined) return undefined;
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === "string" && v.length > keep) {
      out[k] = cut(v, keep);
      cutPaths.add(`${path}.${k}`);
    } else if (Array.isArray(v) && (v.length > most || v.some((x) => x.length > keep))) {
      out[k] = cutList(v, keep, most);
      cutPaths.add(`${path}.${k}`);
    } else out[k] = v;
  }
  return out;
}

/** The parts with every string longer than `keep` cut and every list held to `most` values. */
function cutParts(f: Finding, keep: number, most: number, cutPaths: Set<string>): Parts {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.fields)) {
    fields[k] = v.length > keep ? cut(v, keep) : v;
    if (v.length > keep) cutPaths.add(`fields.${k}`);
  }
  if (f.message.length > keep) cutPaths.add("message");
  return {
    fields,
    message: f.message.length > keep ? cut(f.message, keep) : f.message,
    aggregates: cutRecord(f.aggregates, keep, most, "aggregates", cutPaths),
    computed: cutRecord(
      f.computed as Record<string, Value> | undefined,
      keep,
      most,
      "computed",
      cutPaths,
    ),
  };
}

function withParts(f: Finding, parts: Parts, cutPaths: Set<string>): Finding {
  return {
    ...f,
    message: parts.message,
    fields: parts.fields,
    ...(parts.aggregates === undefined ? {} : { aggregates: parts.aggregates }),
    ...(parts.computed === undefined
      ? {}
      : { computed: parts.computed as NonNullable<Finding["computed"]> }),
    truncated: [...cutPaths].sort(),
  };
}

/** The length of the longest string the finding's cuttable parts hold, and of its longest list. */
function extent(f: Finding): { longest: number; most: number } {
  let longest = f.message.length;
  let most = 0;
  const see = (v: Value | undefined) => {
    if (typeof v === "string") longest = Math.max(longest, v.length);
    else if (Array.isArray(v)) {
      most = Math.max(most, v.length);
      for (const x of v) longest = Math.max(longest, x.length);
    }
  };
  for (const v of Object.values(f.fields)) see(v);
  for (const v of Object.values(f.aggregates ?? {})) see(v);
  for (const v of Object.values(f.computed ?? {})) see(v as Value);
  return { longest, most };
}

/**
 * The finding as the pipeline's sinks can hold it: itself when its JSON is within `maxBytes`;
 * else with its longest values cut (by-values, message, aggregates, computed fields: halving
 * how much of each is kept, down to `minKeep` characters, then halving how many values a list
 * keeps), each cut value marked with its length and hash, and the cut paths listed in
 * `truncated`. Its `finding_id` is the whole finding's. Why: one event with a 1 MB command
 * line made a finding DynamoDB refused (item over 400 KB), which failed the whole object on
 * every retry, so none of its findings was ever stored.
 */
export function fitFinding(f: Finding, maxBytes: number = FINDING_LIMITS.maxBytes): Finding {
  if (utf8Bytes(f) <= maxBytes) return f;
  let { longest: keep, most } = extent(f);
  for (;;) {
    if (keep > FINDING_LIMITS.minKeep) keep = Math.max(FINDING_LIMITS.minKeep, keep >> 1);
    else if (most > 1) most >>= 1;
    const cutPaths = new Set<string>();
    const fitted = withParts(f, cutParts(f, keep, most, cutPaths), cutPaths);
    if (utf8Bytes(fitted) <= maxBytes || (keep <= FINDING_LIMITS.minKeep && most <= 1))
      return fitted;
  }
}
