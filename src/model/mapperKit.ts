import type { WinEvent } from "../parse/types.js";

/** CIM fields a mapper found in one event (absent keys are Splunk's null). */
export type Fields = Record<string, string>;

/** Maps one event's data to the CIM fields of its dataset; compiled once, run per event. */
export type Mapper = (data: Readonly<Record<string, string>>, event: WinEvent) => Fields;

export const PROVIDERS = {
  sysmon: "Microsoft-Windows-Sysmon",
  security: "Microsoft-Windows-Security-Auditing",
} as const;

/** The file name part of a Windows or POSIX path. */
export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  return i === -1 ? path : path.slice(i + 1);
}

/** True for a value an event left empty: missing, `""` or Windows' `-` placeholder. */
export function isEmpty(value: string | undefined): value is undefined {
  return value === undefined || value === "" || value === "-";
}

/** Copies `value` into `out[key]` unless it is empty or Windows' `-` placeholder. */
export function put(out: Fields, key: string, value: string | undefined): void {
  if (!isEmpty(value)) out[key] = value;
}

/**
 * The fields Sysmon gives about the acting process and host in every file, registry and network
 * event, as the Sysmon add-on maps them: `dest` is the event's `Computer`.
 */
export function putSysmonActor(
  out: Fields,
  d: Readonly<Record<string, string>>,
  e: WinEvent,
): void {
  put(out, "dest", e.computer);
  put(out, "user", d.User);
  put(out, "process_guid", d.ProcessGuid);
  put(out, "process_id", d.ProcessId);
  put(out, "process_path", d.Image);
  if (!isEmpty(d.Image)) put(out, "process_name", basename(d.Image));
}
