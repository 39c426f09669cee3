import type { WinEvent } from "../parse/types.js";

const EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event";

/** `evtx_dump`'s JSON of one event: element attributes under `#attributes`, in schema order. */
export interface EvtxDumpEvent {
  readonly Event: {
    readonly "#attributes": { readonly xmlns: string };
    readonly System: Record<string, unknown>;
    readonly EventData: Readonly<Record<string, string>> | null;
  };
}

function withAttributes(
  attrs: Record<string, unknown>,
): { "#attributes": Record<string, unknown> } | null {
  const present = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
  return Object.keys(present).length === 0 ? null : { "#attributes": present };
}

/**
 * A `WinEvent` in the JSON shape of the Rust `evtx` crate's `evtx_dump -o json`, so any input
 * can be piped to tools written for that output (`jq '.Event.EventData.CommandLine'`). Numeric
 * `System` values are numbers, `EventData` values the event's text; GUIDs are kept as the
 * event has them (Windows' braces), and `UserData` leaves are listed under `EventData`.
 * Fields the input did not carry are left out (`Correlation` is always `null`).
 */
export function toEvtxDumpJson(event: WinEvent): EvtxDumpEvent {
  const system: Record<string, unknown> = {
    Provider: withAttributes({ Name: event.provider, Guid: event.providerGuid }),
    EventID: event.eventId,
  };
  if (event.version !== undefined) system.Version = event.version;
  if (event.level !== undefined) system.Level = event.level;
  if (event.task !== undefined) system.Task = event.task;
  if (event.opcode !== undefined) system.Opcode = event.opcode;
  if (event.keywords !== undefined) system.Keywords = event.keywords;
  system.TimeCreated = withAttributes({ SystemTime: event.timeCreated });
  if (event.eventRecordId !== undefined) system.EventRecordID = event.eventRecordId;
  system.Correlation = null;
  const execution = withAttributes({ ProcessID: event.processId, ThreadID: event.threadId });
  if (execution !== null) system.Execution = execution;
  system.Channel = event.channel;
  system.Computer = event.computer;
  system.Security = withAttributes({ UserID: event.userId });
  return {
    Event: {
      "#attributes": { xmlns: EVENT_NS },
      System: system,
      EventData: Object.keys(event.data).length === 0 ? null : event.data,
    },
  };
}
