import type { EventPosition, WinEvent } from "../types.js";

/** An event being read from one JSON value; `finishEvent` checks it and fixes its shape. */
export interface EventDraft {
  provider: string;
  providerGuid?: string;
  eventId?: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: string;
  timeCreated?: string;
  eventRecordId?: number;
  processId?: number;
  threadId?: number;
  channel: string;
  computer: string;
  userId?: string;
  data: Record<string, string>;
}

/** Why a JSON value that looks like an event could not be read as one. */
export interface DraftError {
  readonly error: string;
}

/** The same object shape as the XML parser's events: optional fields only when present. */
export function finishEvent(
  d: EventDraft,
  lines: { line: number; lastLine: number },
  partial: boolean,
): WinEvent | DraftError {
  if (d.eventId === undefined) return { error: "missing or non-numeric event id" };
  const position: EventPosition = {
    line: lines.line,
    lastLine: lines.lastLine,
    ...(d.eventRecordId === undefined ? {} : { record: d.eventRecordId }),
  };
  return {
    provider: d.provider,
    ...(d.providerGuid === undefined ? {} : { providerGuid: d.providerGuid }),
    eventId: d.eventId,
    ...(d.version === undefined ? {} : { version: d.version }),
    ...(d.level === undefined ? {} : { level: d.level }),
    ...(d.task === undefined ? {} : { task: d.task }),
    ...(d.opcode === undefined ? {} : { opcode: d.opcode }),
    ...(d.keywords === undefined ? {} : { keywords: d.keywords }),
    timeCreated: d.timeCreated ?? "",
    ...(d.eventRecordId === undefined ? {} : { eventRecordId: d.eventRecordId }),
    ...(d.processId === undefined ? {} : { processId: d.processId }),
    ...(d.threadId === undefined ? {} : { threadId: d.threadId }),
    channel: d.channel,
    computer: d.computer,
    ...(d.userId === undefined ? {} : { userId: d.userId }),
    data: d.data,
    position,
    ...(partial ? { partial: true as const } : {}),
  };
}
