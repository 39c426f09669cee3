import {
  type Attrs,
  applySystem,
  type Draft,
  type EventXmlError,
  finish,
  parseAttrs,
  parseEventXml,
  tagEnd,
} from "./parseEventXml.js";
import type { EventPosition, WinEvent } from "./types.js";
import { decodeXmlEntities } from "./xmlEntities.js";

/** Index of the first character at or after `i` that is not XML whitespace. */
function skipSpace(xml: string, i: number): number {
  for (;;) {
    const c = xml.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
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
 * Reads the flat element starting at `i` (a `<`) into `out`; false when it is anything else
 * (an end tag, a comment, CDATA, nested elements, bad attributes).
 */
function readFlat(xml: string, i: number, out: Flat): boolean {
  const c = xml.charCodeAt(i + 1);
  if (xml.charCodeAt(i) !== 60 || c === 47 || c === 33 || c === 63) return false;
  const gt = tagEnd(xml, i + 1);
  if (gt === -1) return false;
  const selfClosing = xml.charCodeAt(gt - 1) === 47;
  const inner = selfClosing ? gt - 1 : gt;
  let nameEnd = i + 1;
  while (nameEnd < inner && xml.charCodeAt(nameEnd) > 32) nameEnd++;
  const name = xml.slice(i + 1, nameEnd);
  if (name === "") return false;
  let attrs: Attrs | undefined;
  if (nameEnd < inner) {
    attrs = parseAttrs(xml, nameEnd, inner);
    if (attrs === undefined) return false;
  }
  out.name = name;
  out.attrs = attrs;
  if (selfClosing) {
    out.text = "";
    out.next = gt + 1;
    return true;
  }
  const lt = xml.indexOf("<", gt + 1);
  if (lt === -1 || !endTagAt(xml, lt, name)) return false;
  out.text = decodeXmlEntities(xml.slice(gt + 1, lt));
  out.next = lt + name.length + 3;
  return true;
}

const DATA_NAME = "<Data Name=";

/**
 * Reads `EventData` children from `i` up to and past `</EventData>` into `data`; returns the
 * index after it, or -1 for anything the generic parser should read.
 */
function readEventData(xml: string, i: number, data: Record<string, string>, el: Flat): number {
  let unnamed = 0;
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i + 1) === 47) return endTagAt(xml, i, "EventData") ? i + 12 : -1;
    // The Windows rendering, `<Data Name='x'>v</Data>` (or `<Data Name='x'/>`), without objects.
    if (xml.startsWith(DATA_NAME, i)) {
      const q = xml.charCodeAt(i + DATA_NAME.length);
      const close = q === 39 || q === 34 ? xml.indexOf(q === 39 ? "'" : '"', i + 12) : -1;
      const after = close === -1 ? -1 : xml.charCodeAt(close + 1);
      if (after === 62 /* > */) {
        const lt = xml.indexOf("<", close + 2);
        if (lt === -1 || !endTagAt(xml, lt, "Data")) return -1;
        data[decodeXmlEntities(xml.slice(i + 12, close))] = decodeXmlEntities(
          xml.slice(close + 2, lt),
        );
        i = lt + 7;
        continue;
      }
      if (after === 47 /* / */ && xml.charCodeAt(close + 2) === 62) {
        data[decodeXmlEntities(xml.slice(i + 12, close))] = "";
        i = close + 3;
        continue;
      }
    }
    // Any other flat child, as `closeElement` in the generic parser treats it.
    if (!readFlat(xml, i, el)) return -1;
    if (el.name === "Data") data[el.attrs?.Name ?? `param${++unnamed}`] = el.text;
    else if (el.name === "Binary") data.Binary = el.text;
    i = el.next;
  }
}

/**
 * The common shape of a Windows-rendered event, read without the generic parser's element
 * stack: `<Event ...><System>` flat elements `</System>`, then `<EventData>` flat `<Data>`
 * elements `</EventData>` (or none), then `</Event>`, whitespace allowed between elements.
 * Returns undefined for anything else (UserData, comments, CDATA, nested or mismatched
 * elements, a missing EventID, ...), which `parseEventXml` then reads, so the result is always
 * the generic parser's (test/parse/fastEventXml.test.ts checks every event of the shared data).
 * Why: `bench/run.ts` (m) "many rules" reads every Sysmon 1 event in full, and the generic
 * parser (a stack, an attribute object and string concatenation per element) was the largest
 * cost after the rules themselves.
 */
export function fastEventXml(xml: string, position: EventPosition): WinEvent | undefined {
  if (!xml.startsWith("<Event")) return undefined;
  const c = xml.charCodeAt(6);
  if (c !== 62 && c !== 32 && c !== 9 && c !== 10 && c !== 13) return undefined;
  const rootEnd = tagEnd(xml, 1);
  if (rootEnd === -1 || xml.charCodeAt(rootEnd - 1) === 47) return undefined;
  if (rootEnd > 6 && parseAttrs(xml, 6, rootEnd) === undefined) return undefined;
  let i = skipSpace(xml, rootEnd + 1);
  if (!xml.startsWith("<System>", i)) return undefined;
  const draft: Draft = { provider: "", channel: "", computer: "", data: {} };
  const el: Flat = { name: "", attrs: undefined, text: "", next: 0 };
  i += 8;
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i + 1) === 47) {
      if (!endTagAt(xml, i, "System")) return undefined;
      i += 9;
      break;
    }
    if (!readFlat(xml, i, el)) return undefined;
    applySystem(draft, el.name, el.attrs, el.text);
    i = el.next;
  }
  i = skipSpace(xml, i);
  if (xml.startsWith("<EventData>", i)) {
    i = readEventData(xml, i + 11, draft.data, el);
    if (i === -1) return undefined;
    i = skipSpace(xml, i);
  } else if (xml.startsWith("<EventData/>", i)) {
    i = skipSpace(xml, i + 12);
  }
  if (!endTagAt(xml, i, "Event")) return undefined;
  const event = finish(draft, position);
  return "error" in event ? undefined : event;
}

/** `parseEventXml`, through `fastEventXml` when the event has the common shape. */
export function readEventXml(xml: string, position: EventPosition): WinEvent | EventXmlError {
  return fastEventXml(xml, position) ?? parseEventXml(xml, position);
}
