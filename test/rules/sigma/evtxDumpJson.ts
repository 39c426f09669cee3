import type { WinEvent } from "../../../src/parse/types.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const attr = (v: Json | undefined, name: string): Json | undefined =>
  isObj(v) && isObj(v["#attributes"]) ? v["#attributes"][name] : undefined;
const text = (v: Json | undefined): string | undefined => {
  if (v === null || v === undefined) return undefined;
  if (isObj(v)) return text(v["#text"]);
  if (Array.isArray(v)) return v.map((x) => text(x) ?? "").join("");
  return String(v);
};
const int = (v: Json | undefined): number | undefined => {
  const t = text(v);
  return t === undefined || t === "" ? undefined : Number(t);
};

/**
 * Test-only reader of the Rust `evtx_dump` JSON rendering used by the Sigma regression data
 * (one `{"Event": ...}` object per record): enough to hand `WinEvent`s to the Sigma engine.
 */
export function fromEvtxDumpJson(record: Obj, position = 1): WinEvent {
  const ev = record.Event as Obj;
  const sys = ev.System as Obj;
  const data: Record<string, string> = {};
  const ed = ev.EventData ?? ev.UserData;
  if (isObj(ed)) {
    for (const [k, v] of Object.entries(ed)) {
      if (k === "#attributes") continue;
      data[k] = text(v) ?? "";
    }
  }
  const providerGuid = text(attr(sys.Provider, "Guid"));
  const userId = text(attr(sys.Security, "UserID"));
  return {
    provider: text(attr(sys.Provider, "Name")) ?? "",
    ...(providerGuid === undefined ? {} : { providerGuid }),
    eventId: int(sys.EventID) ?? 0,
    timeCreated: text(attr(sys.TimeCreated, "SystemTime")) ?? "",
    eventRecordId: int(sys.EventRecordID),
    processId: int(attr(sys.Execution, "ProcessID")),
    threadId: int(attr(sys.Execution, "ThreadID")),
    channel: text(sys.Channel) ?? "",
    computer: text(sys.Computer) ?? "",
    ...(userId === undefined ? {} : { userId }),
    data,
    position: { record: int(sys.EventRecordID) ?? position },
  };
}
