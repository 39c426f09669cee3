/** Where an event sits in its source: text formats count lines, EVTX counts records. */
export interface EventPosition {
  /** 1-based line of the event's first character (text formats). */
  readonly line?: number;
  /** 1-based line of the event's last character (text formats). */
  readonly lastLine?: number;
  /** EventRecordID or ordinal record number (EVTX). */
  readonly record?: number;
}

/**
 * One Windows event as every parser yields it, whatever the input format. Field names follow
 * the event schema (`System` children and `EventData/Data[@Name]`), values are decoded text.
 */
export interface WinEvent {
  readonly provider: string;
  readonly providerGuid?: string;
  readonly eventId: number;
  readonly version?: number;
  readonly level?: number;
  readonly task?: number;
  readonly opcode?: number;
  readonly keywords?: string;
  /** `System/TimeCreated/@SystemTime` as written (ISO-8601, up to 100 ns precision). */
  readonly timeCreated: string;
  readonly eventRecordId?: number;
  readonly processId?: number;
  readonly threadId?: number;
  readonly channel: string;
  readonly computer: string;
  /** `System/Security/@UserID` (a SID). */
  readonly userId?: string;
  /** `EventData/Data` by `Name` (unnamed ones as `param1`, `param2`, ...) or `UserData` leaves. */
  readonly data: Readonly<Record<string, string>>;
  readonly position: EventPosition;
}

/** A record a parser could not turn into an event, or text it skipped on purpose. */
export interface ParseIssue {
  /** Stable code, e.g. `malformed-event`, `truncated-event`, `classic-text-event`. */
  readonly code: string;
  readonly message: string;
  /** Line (text formats) or record/chunk number (EVTX) where the problem starts. */
  readonly offset: number;
  /** `skip`: input deliberately not read as events; `error`: input that should have been. */
  readonly severity: "skip" | "error";
}

export interface ParseOptions {
  /** Receives every issue; the one skip policy lives with the caller (see `ParseReport`). */
  readonly onIssue: (issue: ParseIssue) => void;
}

/** The shape every input format implements. */
export type Parser = (
  stream: AsyncIterable<Uint8Array>,
  options: ParseOptions,
) => AsyncIterable<WinEvent>;
