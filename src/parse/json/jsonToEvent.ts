import type { EventDraft } from "../eventDraft.js";
import type { ParseIssue, WinEvent } from "../types.js";
import { finishEvent } from "./eventDraft.js";
import { fromEvtxDump } from "./fromEvtxDump.js";
import { fromFlat } from "./fromFlat.js";
import { fromWinlogbeat, isLegacyWinlogbeat, isWinlogbeat } from "./fromWinlogbeat.js";
import type { JsonText } from "./JsonSplitter.js";
import { isObject, type Json } from "./jsonValues.js";

type Issue = Omit<ParseIssue, "offset">;

function keysSample(v: Json): string {
  if (!isObject(v)) return Array.isArray(v) ? "an array" : typeof v;
  const keys = Object.keys(v);
  return `keys ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", ..." : ""}`;
}

function draftOf(
  value: Json,
  source: string,
  withData: (id: number) => boolean,
): EventDraft | undefined {
  if (!isObject(value)) return undefined;
  // An Elasticsearch hit (`_source`) holds the document itself.
  const doc = isObject(value._source) ? value._source : value;
  if (isObject(doc.Event)) return fromEvtxDump(doc.Event, withData);
  if (isWinlogbeat(doc)) return fromWinlogbeat(doc, false, withData);
  if (isLegacyWinlogbeat(doc)) return fromWinlogbeat(doc, true, withData);
  if ("EventID" in doc) return fromFlat(doc, source, withData);
  return undefined;
}

/**
 * One JSON value to a `WinEvent` in any of the supported shapes, or the issue to report:
 * `malformed-json` (not JSON), `non-event-json` (JSON of no known event shape: skipped),
 * `malformed-event` (an event without a usable event id).
 */
export function jsonToEvent(
  value: JsonText,
  wanted: ((eventId: number) => boolean) | undefined,
): WinEvent | Issue {
  let parsed: Json;
  try {
    parsed = JSON.parse(value.text) as Json;
  } catch (err) {
    return { code: "malformed-json", message: (err as Error).message, severity: "error" };
  }
  const withData = wanted ?? (() => true);
  let draft: EventDraft | undefined;
  try {
    draft = draftOf(parsed, value.text, withData);
  } catch (err) {
    // Not expected for any JSON value; kept so that one odd record can never stop a scan.
    return { code: "malformed-event", message: (err as Error).message, severity: "error" };
  }
  if (draft === undefined) {
    return {
      code: "non-event-json",
      message: `JSON value of no known event shape (${keysSample(parsed)})`,
      severity: "skip",
    };
  }
  const partial = draft.eventId !== undefined && !withData(draft.eventId);
  const event = finishEvent(draft, value, partial);
  if ("error" in event) return { code: "malformed-event", message: event.error, severity: "error" };
  return event;
}
