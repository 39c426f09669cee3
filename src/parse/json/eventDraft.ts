import { type EventDraft, finishDraft } from "../eventDraft.js";
import type { EventPosition, WinEvent } from "../types.js";

/** Why a JSON value that looks like an event could not be read as one. */
export interface DraftError {
  readonly error: string;
}

/** The event of a JSON value's draft, positioned at its lines (and record id). */
export function finishEvent(
  d: EventDraft,
  lines: { line: number; lastLine: number },
  partial: boolean,
): WinEvent | DraftError {
  const position: EventPosition = {
    line: lines.line,
    lastLine: lines.lastLine,
    ...(d.eventRecordId === undefined ? {} : { record: d.eventRecordId }),
  };
  return finishDraft(d, position, partial) ?? { error: "missing or non-numeric event id" };
}
