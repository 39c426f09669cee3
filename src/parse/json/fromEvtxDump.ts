import type { EventDraft } from "../eventDraft.js";
import { bracedGuid, int, isObject, type Json, type JsonObject, text } from "./jsonValues.js";

/**
 * An element's attributes in `evtx_dump` JSON: `{"X": {"#attributes": {...}}}`, or with
 * `--separate-json-attributes`, `{"X_attributes": {...}}`.
 */
function attrs(parent: JsonObject, name: string): JsonObject | undefined {
  const el = parent[name];
  if (isObject(el) && isObject(el["#attributes"])) return el["#attributes"];
  const separate = parent[`${name}_attributes`];
  return isObject(separate) ? separate : undefined;
}

function attrText(parent: JsonObject, name: string, attr: string): string | undefined {
  const a = attrs(parent, name);
  return a === undefined ? undefined : text(a[attr]);
}

/** Data names of GUID-typed values; the `evtx` crate writes these without Windows' braces. */
function isGuidName(name: string): boolean {
  return name.length >= 4 && name.slice(-4).toLowerCase() === "guid";
}

function readEventData(ed: Json | undefined, data: Record<string, string>): void {
  if (!isObject(ed)) return;
  let unnamed = 0;
  for (const key of Object.keys(ed)) {
    const v = ed[key] as Json;
    if (key === "#attributes" || (key.endsWith("_attributes") && isObject(v))) continue;
    if (key === "Data") {
      // <Data> without a Name attribute: one value, or an array of them under `#text`.
      const inner = isObject(v) ? v["#text"] : v;
      for (const item of Array.isArray(inner) ? inner : [inner])
        data[`param${++unnamed}`] = text(item) ?? "";
      continue;
    }
    const value = text(v) ?? "";
    data[key] = isGuidName(key) ? bracedGuid(value) : value;
  }
}

/** `UserData` leaves two levels down (`UserData/<Root>/<Leaf>`), as the XML parser keeps them. */
function readUserLeaves(v: Json, data: Record<string, string>): void {
  if (Array.isArray(v)) {
    for (const item of v) readUserLeaves(item, data);
    return;
  }
  if (!isObject(v)) return;
  for (const key of Object.keys(v)) {
    if (key === "#attributes" || key === "#text") continue;
    const child = v[key] as Json;
    for (const item of Array.isArray(child) ? child : [child]) {
      if (isObject(item)) {
        const t = text(item["#text"]);
        if (t !== undefined && t.trim() !== "") data[key] = t;
        readUserLeaves(item, data);
      } else {
        const t = text(item);
        if (t !== undefined && t.trim() !== "") data[key] = t;
      }
    }
  }
}

/**
 * The JSON of the Rust `evtx` crate (`evtx_dump -o json|jsonl`): `{"Event": {"System": ...,
 * "EventData" | "UserData": ...}}` with attributes under `#attributes` (or `X_attributes`).
 * GUIDs get back the braces Windows writes, so events equal those read from XML or EVTX.
 */
export function fromEvtxDump(
  event: JsonObject,
  withData: (eventId: number) => boolean,
): EventDraft {
  const sys = isObject(event.System) ? event.System : {};
  const provider = attrs(sys, "Provider");
  const guid = provider === undefined ? undefined : text(provider.Guid);
  const draft: EventDraft = {
    provider: (provider && (text(provider.Name) ?? text(provider.EventSourceName))) ?? "",
    eventId: int(sys.EventID),
    channel: text(sys.Channel)?.trim() ?? "",
    computer: text(sys.Computer)?.trim() ?? "",
    data: {},
  };
  if (guid !== undefined && guid !== "") draft.providerGuid = bracedGuid(guid);
  const version = int(sys.Version);
  if (version !== undefined) draft.version = version;
  const level = int(sys.Level);
  if (level !== undefined) draft.level = level;
  const task = int(sys.Task);
  if (task !== undefined) draft.task = task;
  const opcode = int(sys.Opcode);
  if (opcode !== undefined) draft.opcode = opcode;
  const keywords = text(sys.Keywords);
  if (keywords !== undefined && keywords !== "") draft.keywords = keywords.trim();
  const time = attrText(sys, "TimeCreated", "SystemTime");
  if (time !== undefined) draft.timeCreated = time;
  const record = int(sys.EventRecordID);
  if (record !== undefined) draft.eventRecordId = record;
  const exec = attrs(sys, "Execution");
  if (exec !== undefined) {
    const pid = int(exec.ProcessID);
    const tid = int(exec.ThreadID);
    if (pid !== undefined) draft.processId = pid;
    if (tid !== undefined) draft.threadId = tid;
  }
  const user = attrText(sys, "Security", "UserID");
  if (user !== undefined) draft.userId = user;
  if (draft.eventId !== undefined && withData(draft.eventId)) {
    readEventData(event.EventData, draft.data);
    const ud = event.UserData;
    if (isObject(ud)) {
      for (const key of Object.keys(ud))
        if (key !== "#attributes") readUserLeaves(ud[key] as Json, draft.data);
    }
  }
  return draft;
}
