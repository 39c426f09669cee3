import { latin1ToUtf8 } from "./latin1.js";
import type { EventPosition, WinEvent } from "./types.js";
import { decodeXmlEntities } from "./xmlEntities.js";

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** Text of the first `<tag ...>text</tag>` at or after `from`, or undefined. */
function elementText(xml: string, tag: string, from: number, to: number): string | undefined {
  const i = xml.indexOf(`<${tag}`, from);
  if (i === -1 || i > to) return undefined;
  const gt = xml.indexOf(">", i);
  if (gt === -1 || xml.charCodeAt(gt - 1) === 47) return undefined;
  const end = xml.indexOf("<", gt + 1);
  return end === -1 ? undefined : xml.slice(gt + 1, end).trim();
}

/** Value of attribute `name` inside the first `<tag ...>` at or after `from`. */
function attribute(
  xml: string,
  tag: string,
  name: string,
  from: number,
  to: number,
): string | undefined {
  const i = xml.indexOf(`<${tag}`, from);
  if (i === -1 || i > to) return undefined;
  const gt = xml.indexOf(">", i);
  const a = xml.indexOf(`${name}=`, i);
  if (a === -1 || a > gt) return undefined;
  const quote = xml[a + name.length + 1];
  if (quote !== "'" && quote !== '"') return undefined;
  const end = xml.indexOf(quote, a + name.length + 2);
  return end === -1 || end > gt ? undefined : xml.slice(a + name.length + 2, end);
}

/**
 * `xml` is latin1-decoded text (see `latin1.ts`); the fields returned are proper UTF-8 text.
 * Reads only what summaries need from an event's `<System>` header (provider, id, time,
 * record id, channel, computer) with a handful of `indexOf`s, for events no rule can match.
 * Returns undefined when the header is not in the usual shape; the caller then parses fully.
 * Why: `bench/run.ts` (c) went from 68 to several hundred MB/s once ~99% of events skipped
 * the full tag-by-tag parse.
 */
export function parseEventHeader(xml: string, position: EventPosition): WinEvent | undefined {
  const end = xml.indexOf("</System>");
  if (end === -1) return undefined;
  const idText = elementText(xml, "EventID", 0, end);
  if (idText === undefined) return undefined;
  const eventId = Number(idText);
  if (!Number.isInteger(eventId) || idText === "") return undefined;
  const provider = attribute(xml, "Provider", "Name", 0, end);
  const channel = elementText(xml, "Channel", 0, end);
  const computer = elementText(xml, "Computer", 0, end);
  if (provider === undefined || channel === undefined || computer === undefined) return undefined;
  const record = elementText(xml, "EventRecordID", 0, end);
  const recordId = record === undefined ? undefined : Number(record);
  return {
    provider: decodeXmlEntities(latin1ToUtf8(provider)),
    eventId,
    timeCreated: attribute(xml, "TimeCreated", "SystemTime", 0, end) ?? "",
    ...(recordId !== undefined && Number.isInteger(recordId) ? { eventRecordId: recordId } : {}),
    channel: decodeXmlEntities(latin1ToUtf8(channel)),
    computer: decodeXmlEntities(latin1ToUtf8(computer)),
    data: EMPTY,
    position,
    partial: true,
  };
}
