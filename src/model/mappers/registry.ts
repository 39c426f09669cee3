import type { WinEvent } from "../../parse/types.js";
import { type Fields, isEmpty, type Mapper, put, putSysmonActor } from "../mapperKit.js";

const VENDOR = "Microsoft Sysmon";

/** Sysmon's `Keywords` on a successful operation; a rename (14) is `success` only with it. */
const SUCCESS_KEYWORDS = "0x8000000000000000";

/** The hives the Sysmon add-on names, by the `TargetObject` prefix (compared case-insensitively). */
const HIVES: ReadonlyArray<readonly [string, string]> = [
  ["hklm\\system\\", "HKEY_LOCAL_MACHINE\\System"],
  ["hku\\", "HKEY_CURRENT_USER"],
  ["hklm\\software\\", "HKEY_LOCAL_MACHINE\\Software"],
];

/** `DWORD (0x00000001)`: the add-on takes the type and the text in the parentheses. */
const TYPED_DETAILS = /^(\w+)\s\((.+)\)$/s;

const ACTION_BY_TYPE: Readonly<Record<string, string>> = {
  CreateKey: "created",
  DeleteKey: "deleted",
  DeleteValue: "deleted",
};

function hive(target: string): string | undefined {
  const lower = target.slice(0, 16).toLowerCase();
  for (const [prefix, name] of HIVES) if (lower.startsWith(prefix)) return name;
  return undefined;
}

function common(d: Readonly<Record<string, string>>, e: WinEvent, action?: string): Fields {
  const out: Fields = { vendor_product: VENDOR };
  if (action !== undefined) out.action = action;
  putSysmonActor(out, d, e);
  const target = d.TargetObject;
  put(out, "registry_path", target);
  if (!isEmpty(target)) put(out, "registry_hive", hive(target));
  return out;
}

/** The last `back + 1`-th segment of a registry path (0: the last). */
function segment(path: string | undefined, back: number): string | undefined {
  if (isEmpty(path)) return undefined;
  const parts = path.split("\\");
  return parts.length > back ? parts[parts.length - 1 - back] : undefined;
}

/** Sysmon 12 (key or value created or deleted): the key name is the path's last segment. */
const objectCreateDelete: Mapper = (d, e) => {
  const out = common(d, e, ACTION_BY_TYPE[d.EventType ?? ""]);
  put(out, "registry_key_name", segment(d.TargetObject, 0));
  out.status = "success";
  return out;
};

/**
 * Sysmon 13 (value set): the value is the path's last segment and its key the one before;
 * `Details` gives the data, or for `DWORD (0x…)`/`QWORD (0x…)` its type and the text inside.
 */
const valueSet: Mapper = (d, e) => {
  const out = common(d, e, "modified");
  put(out, "registry_key_name", segment(d.TargetObject, 1));
  put(out, "registry_value_name", segment(d.TargetObject, 0));
  const details = d.Details;
  const typed = details === undefined ? null : TYPED_DETAILS.exec(details);
  if (typed === null) put(out, "registry_value_data", details);
  else {
    put(out, "registry_value_data", typed[2]);
    put(out, "registry_value_type", `REG_${typed[1]}`);
  }
  out.status = "success";
  return out;
};

/** Sysmon 14 (key or value renamed). */
const rename: Mapper = (d, e) => {
  const out = common(d, e, "modified");
  put(out, "registry_key_name", segment(d.TargetObject, 0));
  if (e.keywords?.toLowerCase() === SUCCESS_KEYWORDS) out.status = "success";
  return out;
};

/** `Endpoint.Registry` mappers by Sysmon event id. */
export const REGISTRY_MAPPERS: ReadonlyMap<number, Mapper> = new Map([
  [12, objectCreateDelete],
  [13, valueSet],
  [14, rename],
]);
