import type { ParseIssue } from "../types.js";

/** A JSON value larger than this is reported and skipped instead of growing memory. */
export const JSON_LIMITS = { maxValueBytes: 8 * 1024 * 1024 } as const;

/** One complete top-level JSON value (or element of a top-level array), still as text. */
export interface JsonText {
  readonly text: string;
  /** 1-based lines of its first and last character. */
  readonly line: number;
  readonly lastLine: number;
}

const B = {
  nl: 0x0a,
  quote: 0x22,
  backslash: 0x5c,
  open: 0x7b,
  close: 0x7d,
  openArr: 0x5b,
  closeArr: 0x5d,
  comma: 0x2c,
  space: 0x20,
  tab: 0x09,
  cr: 0x0d,
} as const;

/** Lines `evtx_dump -o json` writes before each record; expected, so not an issue. */
const RECORD_HEADER = /^Record \d+$/;
const JUNK_SAMPLE = 60;

/**
 * Splits a byte stream into top-level JSON values without buffering the input: one value a
 * line, pretty-printed values, values concatenated with or without separators (`,`, spaces),
 * and the elements of a top-level array. A small scanner that follows strings, escapes and
 * nesting only; each value is then given to `JSON.parse` by the caller. Chunk boundaries may
 * fall anywhere (inside strings, escapes or UTF-8 sequences: bytes are joined before decoding).
 *
 * A value is given up, reported, and scanning resumes when it cannot be finished: a raw line
 * break inside a string (never valid JSON: a line cut off), or a `{` at the very start of a line
 * while a value is still open (the previous JSON line was cut off).
 */
export class JsonSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inArray = false;
  private atLineStart = true;
  private line = 1;
  private valueLine = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private oversized = false;
  private junk: string | undefined;
  private junkLine = 0;
  /** First line break at or after the scan position in the current chunk (`n` if none). */
  private nextNl = -1;

  /** Values and issues, in input order, until the caller takes them. */
  private out: (JsonText | ParseIssue)[] = [];

  /** Scans one chunk; returns the values completed and issues found, in input order. */
  push(buf: Buffer): (JsonText | ParseIssue)[] {
    let start = this.depth > 0 ? 0 : -1; // where the open value starts in `buf`
    const n = buf.length;
    this.nextNl = -1;
    for (let i = 0; i < n; i++) {
      const b = buf[i] as number;
      if (this.depth > 0) {
        if (this.inString) {
          if (this.escaped) {
            this.escaped = false;
            if (b !== B.nl) continue; // the escaped character
          } else {
            const end = this.stringEnd(buf, i);
            if (end >= 0) {
              if (end < n) this.inString = false;
              i = end; // the closing quote, or the end of the chunk
              continue;
            }
            i = -1 - end; // a raw line break
          }
          this.giveUp("line break inside a string (the value is cut off)");
          start = -1;
          this.line++;
          this.atLineStart = true;
          continue;
        }
        if (b === B.quote) this.inString = true;
        else if (b === B.open || b === B.openArr) {
          if (this.atLineStart && b === B.open) {
            this.giveUp("a new value starts before this one ends (the value is cut off)");
            this.begin();
            start = i;
          } else this.depth++;
        } else if (b === B.close || b === B.closeArr) {
          if (--this.depth === 0) {
            this.finish(buf.subarray(start, i + 1));
            start = -1;
          }
        } else if (b === B.nl) {
          this.line++;
          this.atLineStart = true;
          continue;
        }
        this.atLineStart = false;
        continue;
      }
      // Between values.
      if (b === B.nl) {
        this.flushJunk();
        this.line++;
        this.atLineStart = true;
        continue;
      }
      this.atLineStart = false;
      if (b === B.open || (b === B.openArr && this.inArray)) {
        this.flushJunk();
        this.begin();
        start = i;
      } else if (this.inArray && (b === B.closeArr || b === B.comma)) {
        this.flushJunk(); // a scalar element is reported on its own
        if (b === B.closeArr) this.inArray = false;
      } else if (this.junk !== undefined) {
        if (this.junk.length < JUNK_SAMPLE) this.junk += String.fromCharCode(b);
      } else if (b === B.space || b === B.tab || b === B.cr || b === B.comma) {
        // separators between values
      } else if (b === B.openArr) {
        this.inArray = true;
      } else {
        this.junk = String.fromCharCode(b);
        this.junkLine = this.line;
      }
    }
    if (this.depth > 0 && !this.oversized) {
      const rest = buf.subarray(start);
      this.parts.push(rest);
      this.partsBytes += rest.length;
      if (this.partsBytes > JSON_LIMITS.maxValueBytes) this.tooLarge();
    }
    return this.take();
  }

  /** Call once after the last chunk; returns what is left. */
  end(): (JsonText | ParseIssue)[] {
    this.flushJunk();
    if (this.depth > 0 && !this.oversized) {
      this.issue("malformed-json", "input ends inside a JSON value", this.valueLine);
    }
    this.reset();
    return this.take();
  }

  private take(): (JsonText | ParseIssue)[] {
    const out = this.out;
    if (out.length > 0) this.out = [];
    return out;
  }

  /**
   * From inside a string at `from`: the index of its closing quote, `buf.length` when it runs
   * past this chunk (noting a trailing unfinished escape), or `-1 - i` for a raw line break at
   * `i`. Jumps between quotes with `indexOf`, since most of a value's bytes are string text.
   */
  private stringEnd(buf: Buffer, from: number): number {
    const n = buf.length;
    if (this.nextNl < from) {
      const k = buf.indexOf(B.nl, from);
      this.nextNl = k === -1 ? n : k;
    }
    let at = from;
    for (;;) {
      const q = buf.indexOf(B.quote, at);
      if (this.nextNl < (q === -1 ? n : q)) return -1 - this.nextNl;
      // A quote (or the chunk's end) preceded by an odd run of backslashes is escaped.
      let k = (q === -1 ? n : q) - 1;
      while (k >= from && buf[k] === B.backslash) k--;
      const odd = ((q === -1 ? n : q) - 1 - k) % 2 === 1;
      if (q === -1) {
        this.escaped = odd;
        return n;
      }
      if (!odd) return q;
      at = q + 1;
    }
  }

  private begin(): void {
    this.depth = 1;
    this.valueLine = this.line;
    this.atLineStart = false;
  }

  private finish(tail: Buffer): void {
    if (!this.oversized && this.partsBytes + tail.length > JSON_LIMITS.maxValueBytes) {
      this.tooLarge();
    } else if (!this.oversized) {
      const bytes =
        this.parts.length === 0
          ? tail
          : Buffer.concat([...this.parts, tail], this.partsBytes + tail.length);
      this.out.push({ text: bytes.toString("utf8"), line: this.valueLine, lastLine: this.line });
    }
    this.reset();
  }

  private tooLarge(): void {
    this.issue(
      "event-too-large",
      `JSON value longer than ${JSON_LIMITS.maxValueBytes} bytes skipped`,
      this.valueLine,
    );
    this.oversized = true;
    this.parts = [];
    this.partsBytes = 0;
  }

  private giveUp(why: string): void {
    if (!this.oversized) this.issue("malformed-json", why, this.valueLine);
    this.reset();
  }

  private reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.partsBytes = 0;
    this.oversized = false;
  }

  private flushJunk(): void {
    if (this.junk === undefined) return;
    const t = this.junk.trim();
    this.junk = undefined;
    if (t === "" || RECORD_HEADER.test(t)) return;
    this.issue("malformed-json", `text outside any JSON value: ${t}`, this.junkLine);
  }

  private issue(code: string, message: string, offset: number): void {
    this.out.push({ code, message, offset, severity: "error" });
  }
}
