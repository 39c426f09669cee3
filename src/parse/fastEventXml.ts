import type { EventDraft } from "./eventDraft.js";
import { latin1ToUtf8 } from "./latin1.js";
import {
  type Attrs,
  applySystem,
  type EventXmlError,
  finish,
  parseEventXml,
} from "./parseEventXml.js";
import type { EventPosition, WinEvent } from "./types.js";
import { decodeXmlEntities } from "./xmlEntities.js";

const NON_ASCII = /[\u0080-\u00ff]/g;

/** Index of the first non-ASCII character of `xml` at or after `from`, or its length. */
function nonAscii(xml: string, from: number): number {
  NON_ASCII.lastIndex = from;
  return NON_ASCII.test(xml) ? NON_ASCII.lastIndex - 1 : xml.length;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Letters, digits and `_ - . :`: the element and attribute names this path reads. */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 58) ||
    c === 95 ||
    c === 45 ||
    c === 46
  );
}

/** Index of the first character at or after `i` that is not XML whitespace. */
function skipSpace(xml: string, i: number): number {
  while (isSpace(xml.charCodeAt(i))) i++;
  return i;
}

/** True when `</name>` starts at `at`. */
function endTagAt(xml: string, at: number, name: string): boolean {
  return (
    xml.charCodeAt(at) === 60 &&
    xml.charCodeAt(at + 1) === 47 &&
    xml.startsWith(name, at + 2) &&
    xml.charCodeAt(at + 2 + name.length) === 62
  );
}

/** One flat element (`<name attrs/>` or `<name attrs>text</name>`), as the generic parser reads it. */
interface Flat {
  name: string;
  attrs: Attrs | undefined;
  text: string;
  next: number;
}

/**
 * Reads the start tag at `i` in its plain form: a name, then ` name='value'` attributes (either
 * quote, no space around `=`), then `>` or `/>`. Returns the index after it, negated when the
 * tag closes itself, or 0 for anything else. Attributes go into `out.attrs` (undefined when
 * none). No scan looks past the tag (the generic `tagEnd` searches the rest of the event for
 * quotes).
 */
function readStartTag(xml: string, i: number, out: Flat): number {
  if (xml.charCodeAt(i) !== 60) return 0;
  let j = i + 1;
  while (isNameChar(xml.charCodeAt(j))) j++;
  if (j === i + 1) return 0;
  out.name = xml.slice(i + 1, j);
  out.attrs = undefined;
  for (;;) {
    let c = xml.charCodeAt(j);
    if (c === 62) return j + 1;
    if (c === 47) return xml.charCodeAt(j + 1) === 62 ? -(j + 2) : 0;
    if (!isSpace(c)) return 0;
    j = skipSpace(xml, j);
    c = xml.charCodeAt(j);
    if (c === 62 || c === 47) continue;
    const nameStart = j;
    while (isNameChar(xml.charCodeAt(j))) j++;
    if (j === nameStart || xml.charCodeAt(j) !== 61) return 0;
    const q = xml.charCodeAt(j + 1);
    if (q !== 39 && q !== 34) return 0;
    const end = xml.indexOf(q === 39 ? "'" : '"', j + 2);
    if (end === -1) return 0;
    const attrs: Attrs = out.attrs ?? {};
    attrs[xml.slice(nameStart, j)] = decodeXmlEntities(xml.slice(j + 2, end));
    out.attrs = attrs;
    j = end + 1;
  }
}

/**
 * Reads the flat element at `i` into `out`; false when it is anything else (an end tag, a
 * comment, CDATA, nested elements, an unusual tag).
 */
function readFlat(xml: string, i: number, out: Flat): boolean {
  const after = readStartTag(xml, i, out);
  if (after === 0) return false;
  if (after < 0) {
    out.text = "";
    out.next = -after;
    return true;
  }
  const lt = xml.indexOf("<", after);
  if (lt === -1 || !endTagAt(xml, lt, out.name)) return false;
  out.text = decodeXmlEntities(xml.slice(after, lt));
  out.next = lt + out.name.length + 3;
  return true;
}

const DATA_NAME = "<Data Name=";

/**
 * The `Name`s of the last event's `Data` items by position. Events of one kind repeat the same
 * names in the same order: a name compared in place with the last one is used as that string,
 * which is already a property key (a new slice is hashed and interned at every store). Why:
 * `bench/run.ts` (m) "many rules" reads ~130k events in full, ~20 items each. Only names
 * without `&` are kept (their text is their value).
 */
const lastNames: string[] = [];

/** The `Name` of the item at `k` between `from` and `to`. */
function dataName(xml: string, from: number, to: number, k: number): string {
  const last = lastNames[k];
  if (last !== undefined && last.length === to - from && xml.startsWith(last, from)) return last;
  const raw = xml.slice(from, to);
  if (raw.indexOf("&") !== -1) return decodeXmlEntities(raw);
  lastNames[k] = raw;
  return raw;
}

/**
 * Reads `EventData` children from `i` up to and past `</EventData>` into `data`; returns the
 * index after it, or -1 for anything the generic parser should read. `na` is the index of the
 * first non-ASCII character at or after `i`: a value holding one is decoded from UTF-8 on its
 * own (UTF-8 sequences never hold an ASCII byte, so this is the whole event's decoding); a
 * name or an unusual element holding one is left to the generic parser.
 */
function readEventData(
  xml: string,
  i: number,
  data: Record<string, string>,
  el: Flat,
  na: number,
): number {
  let unnamed = 0;
  for (let k = 0; ; k++) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i + 1) === 47) return endTagAt(xml, i, "EventData") ? i + 12 : -1;
    // The Windows rendering, `<Data Name='x'>v</Data>` (or `<Data Name='x'/>`), without objects.
    if (xml.startsWith(DATA_NAME, i)) {
      const q = xml.charCodeAt(i + DATA_NAME.length);
      const close = q === 39 || q === 34 ? xml.indexOf(q === 39 ? "'" : '"', i + 12) : -1;
      const after = close === -1 ? -1 : xml.charCodeAt(close + 1);
      if (na < close) return -1;
      if (after === 62 /* > */) {
        const lt = xml.indexOf("<", close + 2);
        if (lt === -1 || !endTagAt(xml, lt, "Data")) return -1;
        let value = xml.slice(close + 2, lt);
        if (na < lt) {
          value = latin1ToUtf8(value);
          na = nonAscii(xml, lt);
        }
        data[dataName(xml, i + 12, close, k)] = decodeXmlEntities(value);
        i = lt + 7;
        continue;
      }
      if (after === 47 /* / */ && xml.charCodeAt(close + 2) === 62) {
        data[dataName(xml, i + 12, close, k)] = "";
        i = close + 3;
        continue;
      }
    }
    // Any other flat child, as `closeElement` in the generic parser treats it.
    if (!readFlat(xml, i, el) || na < el.next) return -1;
    if (el.name === "Data") data[el.attrs?.Name ?? `param${++unnamed}`] = el.text;
    else if (el.name === "Binary") data.Binary = el.text;
    i = el.next;
  }
}

/**
 * `xml` is latin1-decoded text (see `latin1.ts`); the fields returned are proper UTF-8 text.
 * The common shape of a Windows-rendered event, read without the generic parser's element
 * stack: `<Event ...><System>` flat elements `</System>`, then `<EventData>` flat `<Data>`
 * elements `</EventData>` (or none), then `</Event>`, whitespace allowed between elements.
 * Returns undefined for anything else (UserData, comments, CDATA, nested or mismatched
 * elements, unusual tags, a missing EventID, ...), which `parseEventXml` then reads, so the
 * result is always the generic parser's (test/parse/fastEventXml.test.ts checks every event
 * of the shared data). Why: `bench/run.ts` (m) "many rules" reads every Sysmon 1 event in
 * full, and the generic parser (a stack, an attribute object and string concatenation per
 * element, a search of the rest of the event for quotes per tag) took 13 us an event against
 * 1.3 us to decode it (.scratch measurement on the EVTX-ATTACK-SAMPLES events).
 */
export function fastEventXml(xml: string, position: EventPosition): WinEvent | undefined {
  const na = nonAscii(xml, 0);
  const el: Flat = { name: "", attrs: undefined, text: "", next: 0 };
  const rootEnd = readStartTag(xml, 0, el);
  if (rootEnd <= 0 || el.name !== "Event") return undefined;
  let i = skipSpace(xml, rootEnd);
  if (!xml.startsWith("<System>", i)) return undefined;
  const draft: EventDraft = { provider: "", channel: "", computer: "", data: {} };
  i += 8;
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i + 1) === 47) {
      if (!endTagAt(xml, i, "System") || na < i) return undefined;
      i += 9;
      break;
    }
    if (!readFlat(xml, i, el)) return undefined;
    applySystem(draft, el.name, el.attrs, el.text);
    i = el.next;
  }
  i = skipSpace(xml, i);
  if (xml.startsWith("<EventData>", i)) {
    i = readEventData(xml, i + 11, draft.data, el, na);
    if (i === -1) return undefined;
    i = skipSpace(xml, i);
  } else if (xml.startsWith("<EventData/>", i)) {
    i = skipSpace(xml, i + 12);
  }
  if (!endTagAt(xml, i, "Event")) return undefined;
  const event = finish(draft, position);
  return "error" in event ? undefined : event;
}

/**
 * `parseEventXml` of the event's UTF-8 text, for `xml` decoded as latin1 (see `latin1.ts`):
 * through `fastEventXml` when the event has the common shape.
 */
export function readEventXml(xml: string, position: EventPosition): WinEvent | EventXmlError {
  return fastEventXml(xml, position) ?? parseEventXml(latin1ToUtf8(xml), position);
}
