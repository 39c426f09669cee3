import { readEventXml } from "./fastEventXml.js";
import { latin1ToUtf8 } from "./latin1.js";
import { parseEventHeader } from "./parseEventHeader.js";
import type { EventXmlError } from "./parseEventXml.js";
import type { EventPosition, ParseInterest, ParseIssue, ParseOptions, WinEvent } from "./types.js";

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

/** An `<Event>` longer than this is reported and dropped instead of growing memory. */
export const XML_LIMITS = { maxEventChars: 4 * 1024 * 1024 } as const;

/** How an event's start tag begins (see `endsEventName`). */
export const EVENT_OPEN = "<Event";
export const EVENT_CLOSE = "</Event>";

/** Whether the character code after `<Event` ends the tag's name: `<Event`, not `<EventData`, `<EventID`, `<Events`. */
export function endsEventName(c: number | undefined): boolean {
  return c === 32 || c === 62 || c === 9 || c === 13 || c === 10 || c === 47;
}

/** Index of the next `<Event` start tag (not `<EventData`, `<EventID`) at or after `from`. */
function findEventStart(line: string, from: number): number {
  let i = line.indexOf(EVENT_OPEN, from);
  while (i !== -1) {
    const c = line.charCodeAt(i + EVENT_OPEN.length);
    if (endsEventName(c) || Number.isNaN(c)) return i;
    i = line.indexOf(EVENT_OPEN, i + EVENT_OPEN.length);
  }
  return -1;
}

/** Text outside events that is expected in these logs and is not worth an issue. */
function isWrapperText(text: string): boolean {
  return (
    text.startsWith("<?xml") ||
    text.startsWith("<Events") ||
    text.startsWith("</Events>") ||
    text.startsWith("<!--")
  );
}

/**
 * Splits decoded text into `<Event>` elements, whatever the layout (one a line, several a line,
 * pretty-printed across lines, CRLF) and reports everything else once as a `ParseIssue`.
 * Stateful across `push` calls so that lines can arrive in any chunking.
 */
type ReadEvent = (xml: string, position: EventPosition) => WinEvent | EventXmlError;

/** The number in the first `<EventID>` (attributes allowed), or undefined when it is not plain digits. */
function quickEventId(xml: string): number | undefined {
  const at = xml.indexOf("<EventID");
  if (at === -1) return undefined;
  const c = xml.charCodeAt(at + 8);
  const start = c === 62 ? at + 9 : c === 32 ? xml.indexOf(">", at) + 1 : 0;
  if (start === 0) return undefined;
  let n = 0;
  let i = start;
  for (; i < start + 6; i++) {
    const d = xml.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i > start && xml.charCodeAt(i) === 60 ? n : undefined;
}

/**
 * Chooses, once, how events are read: in full, or header-only unless the consumer's interest
 * says they may matter. A numeric character reference could hide a literal from `rawText`, so
 * such events are always read in full.
 */
function eventReader(interest: ParseInterest | undefined): ReadEvent {
  const full: ReadEvent = readEventXml;
  if (interest === undefined) return full;
  const { eventIds, rawText } = interest;
  const at = interest.at ?? (() => true);
  return (xml, position) => {
    // An event to be read in full needs no header first. Why: `bench/run.ts` (m) "many
    // rules" reads every Sysmon 1 event in full; the header cost ~20% of each such read.
    const id = quickEventId(xml);
    if (
      id !== undefined &&
      eventIds.has(id) &&
      at(position) &&
      (rawText === undefined || rawText.test(xml) || xml.indexOf("&#") !== -1)
    ) {
      return full(xml, position);
    }
    const header = parseEventHeader(xml, position);
    if (header === undefined) return full(xml, position);
    if (!eventIds.has(header.eventId) || !at(position)) return header;
    // Literals are ASCII, so testing the latin1 text finds exactly the UTF-8 occurrences.
    if (rawText !== undefined && !rawText.test(xml) && xml.indexOf("&#") === -1) return header;
    return full(xml, position);
  };
}

class EventSplitter {
  private line = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  private pendingStart = 0;
  private inClassicBlock = false;
  /** After an oversized event is dropped, the rest of it is skipped up to its end tag. */
  private discarding = false;
  /** Set by `pushRun`: the next text pushed goes on the same line. */
  private midLine = false;

  private readonly read: ReadEvent;

  constructor(
    private readonly onIssue: (issue: ParseIssue) => void,
    interest: ParseInterest | undefined,
    piece: ParseOptions["piece"],
  ) {
    this.read = eventReader(interest);
    this.line = (piece?.line ?? 1) - 1;
    this.discarding = piece?.inTooLarge === true;
  }

  /**
   * Passes over the next line unread, when no event is open: an event that starts on it is
   * dropped whole (its other lines, unless one starts another event, are skipped the same way).
   * Returns false, reading nothing, when an event is open or `keep` holds for the line number.
   */
  skipLine(keep: (line: number) => boolean): boolean {
    if (this.pending.length > 0 || this.discarding || this.midLine || keep(this.line + 1))
      return false;
    this.line++;
    return true;
  }

  /**
   * Handles one line (without its line break); returns the events completed on it. An event
   * longer than `XML_LIMITS.maxEventChars` is dropped with `event-too-large` however its text
   * comes (in whole lines, in runs of one, in pieces of the input), never read.
   */
  pushLine(raw: string, out: WinEvent[]): void {
    // the rest of a line pushed in runs (see `pushRun`): no line break in between
    const sameLine = this.midLine;
    if (sameLine) this.midLine = false;
    else this.line++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    let pos = 0;
    if (this.discarding) {
      const close = line.indexOf(EVENT_CLOSE);
      const restart = findEventStart(line, 0);
      if (restart !== -1 && (close === -1 || restart < close)) {
        this.discarding = false;
        pos = restart;
      } else if (close !== -1) {
        this.discarding = false;
        pos = close + EVENT_CLOSE.length;
      } else return;
    }
    if (this.pending.length > 0) {
      const close = line.indexOf(EVENT_CLOSE);
      const restart = findEventStart(line, 0);
      const before = sameLine ? this.pendingChars : this.pendingChars + 1;
      if (restart !== -1 && (close === -1 || restart < close)) {
        if (before + restart > XML_LIMITS.maxEventChars) this.dropTooLarge(this.pendingStart);
        else this.reportTruncated();
      } else if (close === -1) {
        this.addPending(line, sameLine);
        if (this.pendingChars > XML_LIMITS.maxEventChars) {
          this.dropTooLarge(this.pendingStart);
          this.discarding = true;
        }
        return;
      } else {
        pos = close + EVENT_CLOSE.length;
        if (before + pos > XML_LIMITS.maxEventChars) this.dropTooLarge(this.pendingStart);
        else {
          this.addPending(line.slice(0, pos), sameLine);
          this.emit(this.pending.join("\n"), this.pendingStart, out);
          this.pending = [];
          this.pendingChars = 0;
        }
      }
    }
    while (pos < line.length) {
      const start = findEventStart(line, pos);
      if (start === -1) {
        this.outside(line.slice(pos));
        return;
      }
      if (start > pos) this.outside(line.slice(pos, start));
      this.inClassicBlock = false;
      const restart = findEventStart(line, start + EVENT_OPEN.length);
      // One event a line is the common case: its close is found from the end, not scanned for.
      const close =
        restart === -1 ? line.lastIndexOf(EVENT_CLOSE) : line.indexOf(EVENT_CLOSE, start);
      if (close > start && (restart === -1 || restart > close)) {
        const end = close + EVENT_CLOSE.length;
        if (end - start > XML_LIMITS.maxEventChars) this.dropTooLarge(this.line);
        else this.emit(line.slice(start, end), this.line, out);
        pos = end;
      } else if (restart !== -1) {
        if (restart - start > XML_LIMITS.maxEventChars) this.dropTooLarge(this.line);
        else
          this.issue(
            "truncated-event",
            "event cut off by the start of another event",
            this.line,
            "error",
          );
        pos = restart;
      } else {
        this.pendingStart = this.line;
        if (line.length - start > XML_LIMITS.maxEventChars) {
          this.dropTooLarge(this.line);
          this.discarding = true;
          return;
        }
        this.pending = [line.slice(start)];
        this.pendingChars = line.length - start;
        return;
      }
    }
  }

  /**
   * Handles the start of a line too long to hold (see `parseXmlEvents`): like `pushLine`, but
   * the next text pushed is the rest of the same line (same line number).
   */
  pushRun(raw: string, out: WinEvent[]): void {
    this.pushLine(raw, out);
    this.midLine = true;
  }

  /** Called once after the last line; `continues`: an event starts right after it (see `ParseOptions.piece`). */
  end(continues = false): void {
    if (this.pending.length === 0) return;
    if (continues) this.reportTruncated();
    else this.issue("truncated-event", "input ends inside an event", this.pendingStart, "error");
    this.pending = [];
  }

  /** Adds text to the open event: a line of its own, or the rest of the last one. */
  private addPending(text: string, sameLine: boolean): void {
    if (sameLine) this.pending[this.pending.length - 1] += text;
    else this.pending.push(text);
    this.pendingChars += sameLine ? text.length : text.length + 1;
  }

  /** Drops the open (or just read) event that began on line `start`: longer than the limit. */
  private dropTooLarge(start: number): void {
    this.issue(
      "event-too-large",
      `event longer than ${XML_LIMITS.maxEventChars} characters`,
      start,
      "error",
    );
    this.pending = [];
    this.pendingChars = 0;
  }

  private reportTruncated(): void {
    this.issue(
      "truncated-event",
      "event cut off by the start of another event",
      this.pendingStart,
      "error",
    );
    this.pending = [];
    this.pendingChars = 0;
  }

  private outside(text: string): void {
    const t = text.trim();
    if (t === "" || isWrapperText(t)) return;
    if (t.startsWith("LogName=")) {
      this.inClassicBlock = true;
      this.issue(
        "classic-text-event",
        "Splunk classic (non-XML) event text skipped",
        this.line,
        "skip",
      );
      return;
    }
    if (this.inClassicBlock) return;
    this.issue(
      "non-event-text",
      `text outside any <Event>: ${latin1ToUtf8(t.slice(0, 60))}`,
      this.line,
      "skip",
    );
  }

  private emit(xml: string, line: number, out: WinEvent[]): void {
    const parsed = this.read(xml, { line, lastLine: this.line });
    if ("error" in parsed) {
      this.issue("malformed-event", parsed.error, line, "error");
    } else {
      out.push(parsed);
    }
  }

  private issue(code: string, message: string, offset: number, severity: "skip" | "error"): void {
    this.onIssue({ code, message, offset, severity });
  }
}

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
        // rest of the line keeps its number.
        splitter.pushRun(carry.toString("latin1"), out);
        carry = undefined;
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
