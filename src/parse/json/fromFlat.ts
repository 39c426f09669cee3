import type { EventDraft } from "../eventDraft.js";
import {
  bracedGuid,
  int,
  isObject,
  type Json,
  type JsonObject,
  keywordsHex,
  text,
} from "./jsonValues.js";

/**
 * Keys of the flattened form that describe the record (nxlog `im_msvistalog` core fields,
 * Logstash and OTRF additions); every other key is an `EventData` value.
 */
const RECORD_KEYS: ReadonlySet<string> = new Set([
  "EventID",
  "SourceName",
  "ProviderName",
  "ProviderGuid",
  "Channel",
  "Hostname",
  "Computer",
  "TimeCreated",
  "EventTime",
  "EventReceivedTime",
  "@timestamp",
  "@version",
  "RecordNumber",
  "EventRecordID",
  "ExecutionProcessID",
  "ExecutionThreadID",
  "ThreadID",
  "Version",
  "Level",
  "Task",
  "Opcode",
  "OpcodeValue",
  "Keywords",
  "UserID",
  "Message",
  "Severity",
  "SeverityValue",
  "SourceModuleName",
  "SourceModuleType",
  "host",
  "port",
  "tags",
  "Category",
  "Domain",
  "AccountName",
  "AccountType",
  "ActivityID",
  "RelatedActivityID",
  "ERROR_EVT_UNRESOLVED",
  "EventTypeOrignal",
  "EventData",
  "UserData",
]);

/** nxlog's own `EventType` values (its severity class, not Sysmon's `EventType` data). */
const NXLOG_MARKERS = ["SourceModuleType", "EventReceivedTime", "SeverityValue"] as const;

/**
 * Data names nxlog loses when they collide (case-insensitively) with its core fields
 * (`ProcessID`, `EventType`); for Sysmon they can be read back from the rendered `Message`.
 */
const COLLIDING_SYSMON_NAMES = ["ProcessId", "EventType"] as const;
const SYSMON = "Microsoft-Windows-Sysmon";
const QUARTER_HOUR_MS = 15 * 60 * 1000;

function isNxlog(obj: JsonObject): boolean {
  return NXLOG_MARKERS.some((k) => k in obj);
}

/** `YYYY-MM-DD hh:mm:ss` (nxlog local time, no zone) as epoch ms read as if UTC. */
function localAsUtc(s: string): number {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)
    ? Date.parse(`${s.replace(" ", "T")}Z`)
    : Number.NaN;
}

/**
 * The event time as ISO-8601 UTC. OTRF's `TimeCreated` is already that. nxlog's `EventTime` is
 * the collector's local time without a zone; its offset is measured from the same record's
 * `EventReceivedTime` (local) and Logstash's `@timestamp` (UTC), rounded to a quarter hour.
 */
function eventTime(obj: JsonObject): string | undefined {
  const created = text(obj.TimeCreated);
  if (created !== undefined && created !== "") return created;
  const local = text(obj.EventTime);
  const stamp = text(obj["@timestamp"]);
  if (local !== undefined) {
    const t = localAsUtc(local);
    if (Number.isNaN(t)) return local; // already carries its zone, or a form we keep as written
    const received = localAsUtc(text(obj.EventReceivedTime) ?? "");
    const utc = stamp === undefined ? Number.NaN : Date.parse(stamp);
    if (!Number.isNaN(received) && !Number.isNaN(utc)) {
      const offset = Math.round((utc - received) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      const d = new Date(t + offset);
      if (!Number.isNaN(d.getTime())) return d.toISOString().replace(".000Z", "Z");
    }
    if (stamp !== undefined) return stamp;
    return local.replace(" ", "T");
  }
  return stamp;
}

const MESSAGE_LINES = COLLIDING_SYSMON_NAMES.map(
  (name) => [name, new RegExp(`(?:^|\\n)${name}: ([^\\r\\n]*)`)] as const,
);
const RAW_KEYWORDS = /"Keywords"\s*:\s*(-?\d+)/;

/** `Name: value` lines of a rendered Sysmon message, for the names nxlog dropped. */
function recoverFromMessage(message: string, data: Record<string, string>): void {
  for (const [name, line] of MESSAGE_LINES) {
    if (name in data) continue;
    const m = line.exec(message);
    if (m !== null) data[name] = m[1] as string;
  }
}

/**
 * The flattened form of nxlog (`im_msvistalog` + `to_json`) and the OTRF Security-Datasets:
 * record fields (`EventID`, `Channel`, `Hostname`, `SourceName`, ...) and the event's data
 * (`CommandLine`, `Image`, ...) side by side in one object.
 */
export function fromFlat(
  obj: JsonObject,
  source: string,
  withData: (eventId: number) => boolean,
): EventDraft {
  const nxlog = isNxlog(obj);
  const draft: EventDraft = {
    provider: text(obj.SourceName) ?? text(obj.ProviderName) ?? "",
    eventId: int(obj.EventID),
    channel: text(obj.Channel) ?? "",
    computer: text(obj.Hostname) ?? text(obj.Computer) ?? "",
    data: {},
  };
  const guid = text(obj.ProviderGuid);
  if (guid !== undefined && guid !== "") draft.providerGuid = bracedGuid(guid);
  const time = eventTime(obj);
  if (time !== undefined) draft.timeCreated = time;
  const record = int(obj.RecordNumber) ?? int(obj.EventRecordID);
  if (record !== undefined) draft.eventRecordId = record;
  // nxlog names the writer's process `ProcessID` (a number); as a string it is event data.
  const pid =
    int(obj.ExecutionProcessID) ?? (typeof obj.ProcessID === "number" ? obj.ProcessID : undefined);
  if (pid !== undefined) draft.processId = pid;
  const tid = int(obj.ThreadID) ?? int(obj.ExecutionThreadID);
  if (tid !== undefined) draft.threadId = tid;
  const version = int(obj.Version);
  if (version !== undefined) draft.version = version;
  const level = int(obj.Level);
  if (level !== undefined) draft.level = level;
  const task = int(obj.Task);
  if (task !== undefined) draft.task = task;
  const opcode = int(obj.OpcodeValue) ?? int(obj.Opcode);
  if (opcode !== undefined) draft.opcode = opcode;
  const kw = obj.Keywords;
  // Doubles cannot hold every 64-bit mask: read the digits from the source when they matter.
  const raw =
    typeof kw === "number" && !Number.isSafeInteger(kw)
      ? RAW_KEYWORDS.exec(source)?.[1]
      : undefined;
  const keywords = keywordsHex(kw, raw);
  if (keywords !== undefined) draft.keywords = keywords;
  const user = text(obj.UserID);
  if (user?.startsWith("S-")) draft.userId = user;
  if (draft.eventId === undefined || !withData(draft.eventId)) return draft;

  // With nxlog, `EventType` is its severity class unless Logstash moved that to `EventTypeOrignal`.
  const eventTypeIsData = !nxlog || "EventTypeOrignal" in obj;
  const data = draft.data;
  for (const key of Object.keys(obj)) {
    if (RECORD_KEYS.has(key)) continue;
    const v = obj[key] as Json;
    if (key === "ProcessID" && typeof v === "number") continue;
    if (key === "EventType" && !eventTypeIsData) continue;
    const t = text(v);
    if (t !== undefined) data[key] = t;
  }
  if (isObject(obj.EventData)) {
    for (const key of Object.keys(obj.EventData)) {
      const t = text(obj.EventData[key]);
      if (t !== undefined) data[key] = t;
    }
  }
  const message = obj.Message;
  if (nxlog && draft.provider === SYSMON && typeof message === "string")
    recoverFromMessage(message, data);
  return draft;
}
