import type { WinEvent } from "../parse/types.js";
import type { ProcessField } from "./processFields.js";
import type { ProcessRecord } from "./types.js";

type Fields = Partial<Record<ProcessField, string>>;
type Mapper = (data: Readonly<Record<string, string>>, event: WinEvent) => Fields;

export const PROVIDERS = {
  sysmon: "Microsoft-Windows-Sysmon",
  security: "Microsoft-Windows-Security-Auditing",
} as const;

/** The file name part of a Windows or POSIX path. */
export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  return i === -1 ? path : path.slice(i + 1);
}

/** Copies `value` into `out[key]` unless it is empty or Windows' `-` placeholder. */
function put(out: Fields, key: ProcessField, value: string | undefined): void {
  if (value !== undefined && value !== "" && value !== "-") out[key] = value;
}

/** `0x1b28` -> `6952`, as Splunk_TA_windows normalises Security log process ids. */
function hexToDecimal(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value, 16) : Number(value);
  return Number.isSafeInteger(n) ? String(n) : value;
}

const INTEGRITY_BY_LABEL: Record<string, string> = {
  "S-1-16-0": "untrusted",
  "S-1-16-4096": "low",
  "S-1-16-8192": "medium",
  "S-1-16-8448": "medium",
  "S-1-16-12288": "high",
  "S-1-16-16384": "system",
  "S-1-16-20480": "protected",
};

function integrityFromLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const bySid = INTEGRITY_BY_LABEL[label];
  if (bySid !== undefined) return bySid;
  const m = /(untrusted|low|medium|high|system|protected)/i.exec(label);
  return m?.[1]?.toLowerCase();
}

function account(domain: string | undefined, name: string | undefined): string | undefined {
  if (name === undefined || name === "" || name === "-") return undefined;
  return domain === undefined || domain === "" || domain === "-" ? name : `${domain}\\${name}`;
}

/** Sysmon Event ID 1 (process creation), as Splunk's Sysmon add-on maps it. */
const sysmonProcessCreate: Mapper = (d, e) => {
  const out: Fields = { vendor_product: "Microsoft Sysmon", action: "allowed" };
  put(out, "dest", e.computer);
  put(out, "user", d.User);
  put(out, "process", d.CommandLine);
  put(out, "process_id", d.ProcessId);
  put(out, "process_guid", d.ProcessGuid);
  put(out, "process_path", d.Image);
  if (d.Image) {
    put(out, "process_name", basename(d.Image));
    put(out, "process_exec", basename(d.Image));
  }
  put(out, "parent_process", d.ParentCommandLine);
  put(out, "parent_process_id", d.ParentProcessId);
  put(out, "parent_process_guid", d.ParentProcessGuid);
  put(out, "parent_process_path", d.ParentImage);
  if (d.ParentImage) {
    put(out, "parent_process_name", basename(d.ParentImage));
    put(out, "parent_process_exec", basename(d.ParentImage));
  }
  put(out, "original_file_name", d.OriginalFileName);
  put(out, "process_current_directory", d.CurrentDirectory);
  put(out, "process_integrity_level", d.IntegrityLevel?.toLowerCase());
  put(out, "process_hash", d.Hashes);
  return out;
};

/** Security 4688 (a new process has been created), as Splunk_TA_windows maps it. */
const securityProcessCreate: Mapper = (d, e) => {
  const out: Fields = { vendor_product: "Microsoft Windows", action: "allowed" };
  put(out, "dest", e.computer);
  // The new process runs as the target account when one is given (Windows 10+), else the creator.
  put(
    out,
    "user",
    account(d.TargetDomainName, d.TargetUserName) ??
      account(d.SubjectDomainName, d.SubjectUserName),
  );
  put(
    out,
    "user_id",
    d.TargetUserSid && d.TargetUserSid !== "S-1-0-0" ? d.TargetUserSid : d.SubjectUserSid,
  );
  put(out, "process", d.CommandLine);
  put(out, "process_id", hexToDecimal(d.NewProcessId));
  put(out, "process_path", d.NewProcessName);
  if (d.NewProcessName) {
    put(out, "process_name", basename(d.NewProcessName));
    put(out, "process_exec", basename(d.NewProcessName));
  }
  put(out, "parent_process_id", hexToDecimal(d.ProcessId));
  put(out, "parent_process_path", d.ParentProcessName);
  if (d.ParentProcessName) {
    put(out, "parent_process_name", basename(d.ParentProcessName));
    put(out, "parent_process_exec", basename(d.ParentProcessName));
  }
  put(out, "process_integrity_level", integrityFromLabel(d.MandatoryLabel));
  return out;
};

/** Key of the mapper table: provider and event id. */
function key(provider: string, eventId: number): string {
  return `${provider}#${eventId}`;
}

const MAPPERS: ReadonlyMap<string, Mapper> = new Map([
  [key(PROVIDERS.sysmon, 1), sysmonProcessCreate],
  [key(PROVIDERS.security, 4688), securityProcessCreate],
]);

/** Event ids that can yield a process record, for callers that count or filter cheaply. */
export const PROCESS_EVENT_IDS: ReadonlySet<number> = new Set([1, 4688]);

/** Parses `System/TimeCreated/@SystemTime` (up to 9 fractional digits) to epoch milliseconds. */
export function parseSystemTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (m === null) return Number.NaN;
  const frac = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${(m[1] as string).replace(" ", "T")}.${frac}${m[3] ?? "Z"}`);
}

/**
 * Normalises a Sysmon EID 1 or Security 4688 event to `Endpoint.Processes`; any other event
 * gives `undefined`. The mapper is looked up once per event from a table built at load.
 */
export function toProcessRecord(event: WinEvent): ProcessRecord | undefined {
  if (!PROCESS_EVENT_IDS.has(event.eventId)) return undefined;
  const mapper = MAPPERS.get(key(event.provider, event.eventId));
  if (mapper === undefined) return undefined;
  return {
    fields: mapper(event.data, event),
    time: parseSystemTime(event.timeCreated),
    position: event.position,
  };
}
