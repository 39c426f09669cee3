import type { EventPosition, WinEvent } from "./types.js";

/**
 * An event being read, by any parser (XML, JSON); `finishDraft` checks it and gives the
 * `WinEvent`.
 */
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

/**
 * The event a draft describes, with optional fields only when present and in the order of
 * `WinEvent` (every parser gives the same object shape); undefined when it has no event id.
 * Optional fields are set in place: conditional spreads made a temporary object each (garbage
 * collection was ~8% of `bench/run.ts` (m) "many rules").
 */
export function finishDraft(
  draft: EventDraft,
  position: EventPosition,
  partial = false,
): WinEvent | undefined {
  if (draft.eventId === undefined) return undefined;
  const e: { -readonly [K in keyof WinEvent]: WinEvent[K] } = {
    provider: draft.provider,
  } as WinEvent;
  if (draft.providerGuid !== undefined) e.providerGuid = draft.providerGuid;
  e.eventId = draft.eventId;
  if (draft.version !== undefined) e.version = draft.version;
  if (draft.level !== undefined) e.level = draft.level;
  if (draft.task !== undefined) e.task = draft.task;
  if (draft.opcode !== undefined) e.opcode = draft.opcode;
  if (draft.keywords !== undefined) e.keywords = draft.keywords;
  e.timeCreated = draft.timeCreated ?? "";
  if (draft.eventRecordId !== undefined) e.eventRecordId = draft.eventRecordId;
  if (draft.processId !== undefined) e.processId = draft.processId;
  if (draft.threadId !== undefined) e.threadId = draft.threadId;
  e.channel = draft.channel;
  e.computer = draft.computer;
  if (draft.userId !== undefined) e.userId = draft.userId;
  e.data = draft.data;
  e.position = position;
  if (partial) e.partial = true;
  return e;
}
