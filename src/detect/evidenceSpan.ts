import type { EventPosition } from "../parse/types.js";
import type { FindingSource, SourceRef } from "./types.js";

/** An event's place in its file or archive member: its first line (text) or record (EVTX). */
export function offsetOf(p: EventPosition): number {
  return p.line ?? p.record ?? 0;
}

/** Members of one archive sort before offsets; exact while members < 2^21 and offsets < 2^32. */
const PART_STRIDE = 2 ** 32;

/**
 * Orders the events of one input, across the members of an archive: by member (in archive
 * order), then by line or record within it.
 */
export function orderOf(p: EventPosition): number {
  return p.part === undefined ? offsetOf(p) : p.part * PART_STRIDE + offsetOf(p);
}

/**
 * A finding's `source`: the input's identity and the span from the first to the last matching
 * event (lines for text, records for EVTX, and in an archive the members they are in). Keys in
 * this order. Set one by one, not spread: bench/run.ts (m) makes 76,610 of them, and the
 * spreads were ~4% of building findings (a profile of that phase).
 */
export function spanSource(
  source: SourceRef,
  first: EventPosition,
  last: EventPosition,
): FindingSource {
  const out: { -readonly [K in keyof FindingSource]: FindingSource[K] } = { uri: source.uri };
  if (source.versionId !== undefined) out.version_id = source.versionId;
  if (source.etag !== undefined) out.etag = source.etag;
  if (first.member !== undefined) out.first_member = first.member;
  if (last.member !== undefined) out.last_member = last.member;
  if (first.line !== undefined) {
    out.first_line = first.line;
    out.last_line = last.lastLine ?? last.line ?? first.line;
  } else if (first.record !== undefined) {
    out.first_record = first.record;
    out.last_record = last.record ?? first.record;
  }
  return out;
}

/** What a group counted: records, their time range and the span of their positions. */
export interface CountedSpan {
  count: number;
  minTime: number;
  maxTime: number;
  first: EventPosition;
  last: EventPosition;
}

/**
 * Widens `into` by `other`, the same group counted over other records of the input: counts add
 * up, the time range and the evidence span widen (a time that is not a number never wins).
 */
export function widenSpan(into: CountedSpan, other: Readonly<CountedSpan>): void {
  into.count += other.count;
  if (other.minTime < into.minTime || Number.isNaN(into.minTime)) into.minTime = other.minTime;
  if (other.maxTime > into.maxTime || Number.isNaN(into.maxTime)) into.maxTime = other.maxTime;
  if (orderOf(other.first) < orderOf(into.first)) into.first = other.first;
  if (orderOf(other.last) >= orderOf(into.last)) into.last = other.last;
}
