import { basename, type Fields, type Mapper, put } from "../mapperKit.js";

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

/** `Endpoint.Processes` mappers: Sysmon by event id, and Security 4688. */
export const SYSMON_PROCESS_MAPPERS: ReadonlyMap<number, Mapper> = new Map([
  [1, sysmonProcessCreate],
]);
export const SECURITY_PROCESS_MAPPERS: ReadonlyMap<number, Mapper> = new Map([
  [4688, securityProcessCreate],
]);
