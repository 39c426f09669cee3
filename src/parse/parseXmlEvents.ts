import { EventSplitter } from "./EventSplitter.js";
import type { ParseOptions, WinEvent } from "./types.js";
import { XML_LIMITS } from "./xmlEventText.js";

/**
 * Chunks are turned into text in pieces of whole lines about this long: below V8's large-object
 * size, a piece is an ordinary young object, so pieces fill the young generation and are swept
 * with it. Why: `bench/run.ts` (c) peaked at ~160 MB RSS with one 256 KiB text per chunk
 * (large-object space) once the fast event reader stopped making garbage per event (~130 MB
 * before; scavenges are driven by young allocations). 16 KiB rather than 64: with many rules a
 * 64 KiB piece (~65 events) was often still in use at a scavenge, and V8 then allocated the
 * pieces in the old generation (~86 MB of old garbage per 100 MB read in `bench/run.ts` (m)
 * "many rules"; ~3 MB with 16 KiB pieces, measured with the sampling heap profiler).
 */
const TEXT_PIECE = 16 * 1024;

/**
 * The lines of `head` (whole lines, without the last line break) that may hold a wanted event
 * (see `ParseInterest.at`), each decoded only then; the others are passed over as bytes. Why:
 * the second pass of bench/run.ts (m) wants ~2% of the process events, and decoding every
 * line as latin1 was most of its time and ~300 MB of garbage.
 */
function pushWanted(
  head: Buffer,
  splitter: EventSplitter,
  keep: (line: number) => boolean,
  out: WinEvent[],
): void {
  for (let start = 0; start <= head.length; ) {
    let end = head.indexOf(10, start);
    if (end === -1) end = head.length;
    if (!splitter.skipLine(keep)) splitter.pushLine(head.toString("latin1", start, end), out);
    start = end + 1;
  }
}

/**
 * Windows-rendered XML events (Splunk attack_data, `wevtutil qe /f:xml`, evtxexport) from a byte
 * stream. Splits whole lines as latin1 (a line break is ASCII, so never splits a UTF-8
 * sequence), decodes UTF-8 only for events it reads, and keeps at most one partial line and
 * one partial event in memory.
 */
export async function* parseXmlEvents(
  stream: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncIterable<WinEvent> {
  const splitter = new EventSplitter(options.onIssue, options.interest, options.piece);
  const at = options.interest?.at;
  const keep = at === undefined ? undefined : (line: number) => at({ line });
  let carry: Buffer | undefined;
  const out: WinEvent[] = [];
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lastNl = buf.lastIndexOf(10);
    if (lastNl === -1) {
      carry = carry === undefined ? Buffer.from(buf) : Buffer.concat([carry, buf]);
      if (carry.length > XML_LIMITS.maxEventChars * 4) {
        // A huge run without a line break: handed to the splitter now so the limit applies; the
        // rest of the line keeps its number. Cut before its last `<`, so that no `<Event` or
        // `</Event>` is split between two runs (the splitter finds tags within a run).
        const lt = carry.lastIndexOf(60);
        const cut = lt > 0 ? lt : carry.length;
        splitter.pushRun(carry.toString("latin1", 0, cut), out);
        carry = cut < carry.length ? Buffer.from(carry.subarray(cut)) : undefined;
      }
      continue;
    }
    const head =
      carry === undefined
        ? buf.subarray(0, lastNl)
        : Buffer.concat([carry, buf.subarray(0, lastNl)]);
    carry = lastNl + 1 < buf.length ? Buffer.from(buf.subarray(lastNl + 1)) : undefined;
    if (keep !== undefined) {
      pushWanted(head, splitter, keep, out);
      for (let i = 0; i < out.length; i++) yield out[i] as WinEvent;
      out.length = 0;
      continue;
    }
    for (let start = 0; start <= head.length; ) {
      // Text of whole lines, at most ~16 KiB unless one line is longer (see TEXT_PIECE).
      let end = head.length;
      if (start + TEXT_PIECE < end) {
        const nl = head.lastIndexOf(10, start + TEXT_PIECE);
        end = nl > start ? nl : head.indexOf(10, start + TEXT_PIECE);
        if (end === -1) end = head.length;
      }
      const text = head.toString("latin1", start, end);
      let from = 0;
      for (;;) {
        const nl = text.indexOf("\n", from);
        if (nl === -1) {
          splitter.pushLine(text.slice(from), out);
          break;
        }
        splitter.pushLine(text.slice(from, nl), out);
        from = nl + 1;
      }
      start = end + 1;
      // The events of each piece go out before the next piece is read, so that a piece and its
      // events die young. Why: `bench/run.ts` (m) "many rules" makes ~40 KB of garbage per
      // event; the events of a whole chunk (four pieces) lived through a scavenge, whole pages
      // of them were promoted (~2 bytes of old-generation garbage per byte read) and RSS
      // peaked at ~500 MB before each mark-compact.
      if (out.length > 0) {
        // A plain loop: `yield*` over an array cost 2-4x as much per event (see parseEvtx.ts).
        for (let i = 0; i < out.length; i++) yield out[i] as WinEvent;
        out.length = 0;
      }
    }
  }
  if (options.piece?.brokenOff === true) return;
  if (carry !== undefined && carry.length > 0) splitter.pushLine(carry.toString("latin1"), out);
  splitter.end(options.piece?.continues);
  for (let i = 0; i < out.length; i++) yield out[i] as WinEvent;
}
