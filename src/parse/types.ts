/** Where an event sits in its source: text formats count lines, EVTX counts records. */
export interface EventPosition {
  /** 1-based line of the event's first character (text formats). */
  readonly line?: number;
  /** 1-based line of the event's last character (text formats). */
  readonly lastLine?: number;
  /** EventRecordID or ordinal record number (EVTX). */
  readonly record?: number;
  /** Set by the scan for an event read from an archive: the member's path in it. */
  readonly member?: string;
  /** With `member`: the member's 1-based ordinal among the archive's parts (orders spans). */
  readonly part?: number;
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
  /**
   * Set when the parser read only the `System` header because the caller's `ParseInterest`
   * ruled the event out; `data` is then empty. Such events still count in summaries.
   */
  readonly partial?: true;
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

/**
 * What the consumer needs in full, compiled once from the loaded rules. A parser MAY yield
 * any other event header-only (`partial: true`); it may also ignore this and read everything.
 */
export interface ParseInterest {
  /** Event ids that can matter; events with other ids are only counted. */
  readonly eventIds: ReadonlySet<number>;
  /**
   * When set, an event of a wanted id can only matter if its decoded text matches this
   * (case-insensitive literals that every matching event must contain in some field value).
   */
  readonly rawText?: RegExp;
  /**
   * When set, an event can only matter if this holds of its position (the scan's
   * `partEvents` adds an archive member's `member`/`part` before asking): a second pass knows
   * where the records it needs sit (see `SecondPassIndex`). A parser may then yield other
   * events header-only or not at all, and need not report issues in the text it passes over.
   */
  readonly at?: (position: EventPosition) => boolean;
}

export interface ParseOptions {
  /** Receives every issue; the one skip policy is `IssueLog`. */
  readonly onIssue: (issue: ParseIssue) => void;
  readonly interest?: ParseInterest;
  /**
   * For a stream cut out of a larger text input (a piece scanned in a worker thread, see
   * `scanChunks`): the line number of its first byte, and whether the input goes on after it
   * with the start of an event (so an event still open at its end was cut off by that one).
   * `brokenOff`: reading the input failed right after this piece; its text after the last line
   * break and an event still open are dropped without an issue, as a parser whose stream
   * throws there leaves them. `inTooLarge`: the piece starts inside an event too large to read
   * (cut in it), whose text is skipped up to its end tag as a parser of the whole input skips
   * it. Honoured by the XML parser. @default { line: 1, continues: false }
   */
  readonly piece?: {
    readonly line: number;
    readonly continues: boolean;
    readonly brokenOff?: boolean;
    readonly inTooLarge?: boolean;
  };
}

/** The shape every input format implements. */
export type Parser = (
  stream: AsyncIterable<Uint8Array>,
  options: ParseOptions,
) => AsyncIterable<WinEvent>;
