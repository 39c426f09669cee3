import { readEventXml } from "./fastEventXml.js";
import { parseEventHeader } from "./parseEventHeader.js";
import type { EventXmlError } from "./parseEventXml.js";
import type { EventPosition, ParseInterest, WinEvent } from "./types.js";

/** Reads one event's XML text: in full, or its header only. */
export type ReadEvent = (xml: string, position: EventPosition) => WinEvent | EventXmlError;

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
export function eventReader(interest: ParseInterest | undefined): ReadEvent {
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
