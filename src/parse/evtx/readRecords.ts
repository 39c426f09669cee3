import type { ParseInterest, ParseIssue, WinEvent } from "../types.js";
import { u32 } from "./bytes.js";
import type { Chunk } from "./Chunk.js";
import { ROOT_CTX } from "./compile.js";
import type { EventBuilder } from "./EventBuilder.js";
import { EVTX } from "./layout.js";

const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);

/** Where the record at `p` ends, or -1 when no well-formed record starts there. */
function recordEnd(buf: Buffer, p: number, limit: number): number {
  if (p < 0 || p + EVTX.recordOverhead > limit || u32(buf, p) !== EVTX.recordMagic) return -1;
  const size = u32(buf, p + 4);
  if (size < EVTX.recordOverhead || p + size > limit) return -1;
  // The size is repeated after the record: a cheap check that the bytes between are whole.
  return u32(buf, p + size - 4) === size ? p + size : -1;
}

/** Next offset after `from` where a well-formed record starts, or -1. */
function resync(buf: Buffer, from: number, limit: number): number {
  for (
    let p = buf.indexOf(RECORD_MAGIC, from);
    p !== -1 && p < limit;
    p = buf.indexOf(RECORD_MAGIC, p + 1)
  ) {
    if (recordEnd(buf, p, limit) !== -1) return p;
  }
  return -1;
}

function recordId(buf: Buffer, p: number): number {
  return u32(buf, p + 12) * 4294967296 + u32(buf, p + 8);
}

export interface RecordSink {
  readonly onIssue: (issue: ParseIssue) => void;
  readonly interest: ParseInterest | undefined;
  readonly out: WinEvent[];
}

/**
 * Reads every record of `chunk` (whose bytes end at its free-space offset, or where the file
 * ends when `cutShort` and the offset lies past that) into `sink.out`. A record that does not
 * parse is reported and skipped; after bytes that are no record at all, reading resumes at the
 * next well-formed record.
 */
export function readRecords(
  chunk: Chunk,
  chunkIndex: number,
  cutShort: boolean,
  b: EventBuilder,
  sink: RecordSink,
): void {
  const buf = chunk.buf;
  const limit = buf.length;
  let p: number = EVTX.chunkHeaderSize;
  while (p + EVTX.recordOverhead <= limit) {
    const end = recordEnd(buf, p, limit);
    if (end === -1) {
      // Zeros where a record would start: the unused rest of a chunk whose header lost its offset.
      if (buf.readUInt32LE(p) === 0 && buf.readUInt32LE(p + 4) === 0) return;
      // A record cut off by the end of a truncated file: the caller has reported the truncation.
      if (cutShort && buf.readUInt32LE(p) === EVTX.recordMagic) {
        if (p + buf.readUInt32LE(p + 4) > limit) return;
      }
      const next = resync(buf, p + 1, limit);
      sink.onIssue({
        code: "corrupt-record",
        message: `chunk ${chunkIndex}: no valid record at chunk offset ${p}; ${next === -1 ? "rest of chunk skipped" : `skipped ${next - p} bytes`}`,
        offset: chunkIndex,
        severity: "error",
      });
      if (next === -1) return;
      p = next;
      continue;
    }
    const id = recordId(buf, p);
    try {
      b.reset(chunk, sink.interest);
      b.expand(p + EVTX.recordHeaderSize, end - 4, ROOT_CTX);
      const event = b.finish(id);
      if (typeof event === "string") {
        sink.onIssue({
          code: "malformed-event",
          message: `record ${id}: ${event}`,
          offset: id,
          severity: "error",
        });
      } else {
        sink.out.push(event);
      }
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      sink.onIssue({
        code: "corrupt-record",
        message: `record ${id} (chunk ${chunkIndex}): ${why}`,
        offset: id,
        severity: "error",
      });
    }
    p = end;
  }
}
