import { eventReader, type ReadEvent } from "./eventReader.js";
import { latin1ToUtf8 } from "./latin1.js";
import type { ParseInterest, ParseIssue, ParseOptions, WinEvent } from "./types.js";
import {
  EVENT_CLOSE,
  EVENT_OPEN,
  findEventStart,
  isWrapperText,
  XML_LIMITS,
} from "./xmlEventText.js";

/**
 * Splits decoded text into `<Event>` elements, whatever the layout (one a line, several a line,
 * pretty-printed across lines, CRLF) and reports everything else once as a `ParseIssue`.
 * Stateful across `push` calls so that lines can arrive in any chunking.
 */
export class EventSplitter {
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
