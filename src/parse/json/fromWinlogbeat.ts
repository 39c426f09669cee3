import type { EventDraft } from "../eventDraft.js";
import { bracedGuid, int, isObject, type Json, type JsonObject, pick, text } from "./jsonValues.js";

/** Where each record field sits: Winlogbeat 7+ (ECS, `winlog.*`) and Winlogbeat 5/6 (top level). */
interface Paths {
  readonly eventId: readonly string[];
  readonly provider: readonly string[];
  readonly providerGuid: string;
  readonly channel: string;
  readonly computer: string;
  readonly record: string;
  readonly pid: string;
  readonly tid: string;
  readonly user: string;
  readonly version: string;
  readonly opcode: string;
  readonly task: string;
  readonly level: readonly string[];
  readonly time: readonly string[];
  readonly eventData: string;
  readonly userData: string;
}

const ECS: Paths = {
  eventId: ["winlog.event_id", "event.code"],
  provider: ["winlog.provider_name", "event.provider"],
  providerGuid: "winlog.provider_guid",
  channel: "winlog.channel",
  computer: "winlog.computer_name",
  record: "winlog.record_id",
  pid: "winlog.process.pid",
  tid: "winlog.process.thread.id",
  user: "winlog.user.identifier",
  version: "winlog.version",
  opcode: "winlog.opcode",
  task: "winlog.task",
  level: ["winlog.level", "log.level"],
  time: ["winlog.time_created", "@timestamp", "event.created"],
  eventData: "winlog.event_data",
  userData: "winlog.user_data",
};

const LEGACY: Paths = {
  eventId: ["event_id"],
  provider: ["source_name"],
  providerGuid: "provider_guid",
  channel: "log_name",
  computer: "computer_name",
  record: "record_number",
  pid: "process_id",
  tid: "thread_id",
  user: "user.identifier",
  version: "version",
  opcode: "opcode",
  task: "task",
  level: ["level"],
  time: ["@timestamp"],
  eventData: "event_data",
  userData: "user_data",
};

/** Winlogbeat writes the level's name; these are the Windows numbers behind the names. */
const LEVEL_BY_NAME: Readonly<Record<string, number>> = {
  critical: 1,
  error: 2,
  warning: 3,
  information: 4,
  verbose: 5,
};

export function isWinlogbeat(obj: JsonObject): boolean {
  return isObject(obj.winlog) || "winlog.event_id" in obj || "winlog.channel" in obj;
}

export function isLegacyWinlogbeat(obj: JsonObject): boolean {
  return (
    "event_id" in obj && ("computer_name" in obj || "log_name" in obj || isObject(obj.event_data))
  );
}

function first(obj: JsonObject, paths: readonly string[]): Json | undefined {
  for (const p of paths) {
    const v = pick(obj, p);
    if (v !== undefined && v !== null && v !== "") return v;
  }
  return undefined;
}

/** `winlog.event_data` as nested keys or flattened `winlog.event_data.X` keys. */
function eventData(obj: JsonObject, path: string, data: Record<string, string>): void {
  const nested = pick(obj, path);
  if (isObject(nested)) {
    for (const key of Object.keys(nested)) {
      const t = text(nested[key]);
      if (t !== undefined) data[key] = t;
    }
  }
  const prefix = `${path}.`;
  for (const key of Object.keys(obj)) {
    if (!key.startsWith(prefix)) continue;
    const t = text(obj[key]);
    if (t !== undefined) data[key.slice(prefix.length)] = t;
  }
}

function userLeaves(v: Json | undefined, data: Record<string, string>): void {
  if (!isObject(v)) return;
  for (const key of Object.keys(v)) {
    if (key === "xml_name") continue; // Winlogbeat's name of the UserData root element
    const child = v[key] as Json;
    if (isObject(child)) userLeaves(child, data);
    else {
      const t = text(child);
      if (t !== undefined && t.trim() !== "") data[key] = t;
    }
  }
}

/**
 * Winlogbeat and Elastic Agent documents (`winlog.event_id`, `winlog.channel`,
 * `winlog.computer_name`, `winlog.event_data.*`, nested or as dotted keys), and the older
 * top-level form of Winlogbeat 5/6 (`event_id`, `computer_name`, `event_data`).
 */
export function fromWinlogbeat(
  obj: JsonObject,
  legacy: boolean,
  withData: (eventId: number) => boolean,
): EventDraft {
  const p = legacy ? LEGACY : ECS;
  const draft: EventDraft = {
    provider: text(first(obj, p.provider)) ?? "",
    eventId: int(first(obj, p.eventId)),
    channel: text(pick(obj, p.channel)) ?? "",
    computer: text(pick(obj, p.computer)) ?? "",
    data: {},
  };
  const guid = text(pick(obj, p.providerGuid));
  if (guid !== undefined && guid !== "") draft.providerGuid = bracedGuid(guid);
  const time = text(first(obj, p.time));
  if (time !== undefined) draft.timeCreated = time;
  const record = int(pick(obj, p.record));
  if (record !== undefined) draft.eventRecordId = record;
  const pid = int(pick(obj, p.pid));
  if (pid !== undefined) draft.processId = pid;
  const tid = int(pick(obj, p.tid));
  if (tid !== undefined) draft.threadId = tid;
  const user = text(pick(obj, p.user));
  if (user !== undefined && user !== "") draft.userId = user;
  const version = int(pick(obj, p.version));
  if (version !== undefined) draft.version = version;
  // Opcode and task are written as names; only numbers map onto the event schema.
  const opcode = int(pick(obj, p.opcode));
  if (opcode !== undefined) draft.opcode = opcode;
  const task = int(pick(obj, p.task));
  if (task !== undefined) draft.task = task;
  const level = first(obj, p.level);
  const levelNumber = int(level) ?? LEVEL_BY_NAME[(text(level) ?? "").toLowerCase()];
  if (levelNumber !== undefined) draft.level = levelNumber;
  if (draft.eventId !== undefined && withData(draft.eventId)) {
    eventData(obj, p.eventData, draft.data);
    userLeaves(pick(obj, p.userData), draft.data);
  }
  return draft;
}
