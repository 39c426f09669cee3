import { unsupported } from "./errors.js";
import { ANY_EVENT, eventKey } from "./eventKey.js";
import { type FieldMapping, hexToDecimal } from "./fields.js";
import type { YValue } from "./readSigmaYaml.js";

/** Windows event log channels, by the Sigma `service` that names them (pySigma's table). */
export const SERVICE_CHANNELS: Readonly<Record<string, readonly string[]>> = {
  security: ["Security"],
  application: ["Application"],
  system: ["System"],
  sysmon: ["Microsoft-Windows-Sysmon/Operational"],
  powershell: ["Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"],
  "powershell-classic": ["Windows PowerShell"],
  taskscheduler: ["Microsoft-Windows-TaskScheduler/Operational"],
  wmi: ["Microsoft-Windows-WMI-Activity/Operational"],
  "dns-server": ["DNS Server"],
  "dns-server-audit": ["Microsoft-Windows-DNS-Server/Audit"],
  "dns-server-analytic": ["Microsoft-Windows-DNS-Server/Analytical"],
  "driver-framework": ["Microsoft-Windows-DriverFrameworks-UserMode/Operational"],
  ntlm: ["Microsoft-Windows-NTLM/Operational"],
  dhcp: ["Microsoft-Windows-DHCP-Server/Operational"],
  "msexchange-management": ["MSExchange Management"],
  applocker: [
    "Microsoft-Windows-AppLocker/MSI and Script",
    "Microsoft-Windows-AppLocker/EXE and DLL",
    "Microsoft-Windows-AppLocker/Packaged app-Deployment",
    "Microsoft-Windows-AppLocker/Packaged app-Execution",
  ],
  "printservice-admin": ["Microsoft-Windows-PrintService/Admin"],
  "printservice-operational": ["Microsoft-Windows-PrintService/Operational"],
  "codeintegrity-operational": ["Microsoft-Windows-CodeIntegrity/Operational"],
  "smbclient-security": ["Microsoft-Windows-SmbClient/Security"],
  "firewall-as": ["Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"],
  "bits-client": ["Microsoft-Windows-Bits-Client/Operational"],
  windefend: ["Microsoft-Windows-Windows Defender/Operational"],
  "terminalservices-localsessionmanager": [
    "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
  ],
  "microsoft-servicebus-client": ["Microsoft-ServiceBus-Client"],
  ldap_debug: ["Microsoft-Windows-LDAP-Client/Debug"],
  "security-mitigations": [
    "Microsoft-Windows-Security-Mitigations/Kernel Mode",
    "Microsoft-Windows-Security-Mitigations/User Mode",
  ],
  "diagnosis-scripted": ["Microsoft-Windows-Diagnosis-Scripted/Operational"],
  "shell-core": ["Microsoft-Windows-Shell-Core/Operational"],
  openssh: ["OpenSSH/Operational"],
  bitlocker: ["Microsoft-Windows-BitLocker/BitLocker Management"],
  vhdmp: ["Microsoft-Windows-VHDMP/Operational"],
  "appxdeployment-server": ["Microsoft-Windows-AppXDeploymentServer/Operational"],
  "lsa-server": ["Microsoft-Windows-LSA/Operational"],
  "appxpackaging-om": ["Microsoft-Windows-AppxPackaging/Operational"],
  "dns-client": ["Microsoft-Windows-DNS Client Events/Operational"],
  "appmodel-runtime": ["Microsoft-Windows-AppModel-Runtime/Admin"],
  capi2: ["Microsoft-Windows-CAPI2/Operational"],
  "certificateservicesclient-lifecycle-system": [
    "Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational",
  ],
};

const SYSMON = "Microsoft-Windows-Sysmon/Operational";

/** Sysmon event ids of each generic category (pySigma's sysmon pipeline). */
export const SYSMON_CATEGORY_EVENTS: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
};

/** Sysmon 12 is both key creation and deletion; `EventType` tells them apart. */
const SYSMON_EXTRA: Readonly<Record<string, Readonly<Record<string, YValue>>>> = {
  registry_add: { EventType: "CreateKey" },
  registry_delete: { EventType: ["DeleteKey", "DeleteValue"] },
};

/** PowerShell categories: channel(s) and event id (pySigma's Windows pipeline). */
const POWERSHELL_CATEGORIES: Readonly<Record<string, { service: string; eventId: number }>> = {
  ps_module: { service: "powershell", eventId: 4103 },
  ps_script: { service: "powershell", eventId: 4104 },
  ps_classic_start: { service: "powershell-classic", eventId: 400 },
  ps_classic_provider_start: { service: "powershell-classic", eventId: 600 },
  ps_classic_script: { service: "powershell-classic", eventId: 800 },
};

/**
 * Sigma's Sysmon field names for Security 4688, as pySigma's `windows_audit` pipeline maps
 * them (Image, ParentImage, LogonId), plus the fields 4688 carries under another name: the
 * new and parent process ids (hex there, decimal in Sysmon), the creator's account name and
 * the integrity label (SigmaHQ rules list its SID form, e.g. `S-1-16-12288`, beside `High`).
 */
export const SECURITY_4688_FIELDS: FieldMapping = {
  Image: { from: "NewProcessName" },
  ParentImage: { from: "ParentProcessName" },
  LogonId: { from: "SubjectLogonId" },
  User: { from: "SubjectUserName" },
  ProcessId: { from: "NewProcessId", convert: hexToDecimal },
  ParentProcessId: { from: "ProcessId", convert: hexToDecimal },
  IntegrityLevel: { from: "MandatoryLabel" },
};

/** One family of events a rule applies to, and how its fields are read there. */
export interface LogsourceVariant {
  readonly label: string;
  readonly keys: readonly string[];
  readonly mapping?: FieldMapping;
  /** Selection the event must also satisfy (e.g. `EventType` for registry_add). */
  readonly extra?: Readonly<Record<string, YValue>>;
}

function str(v: YValue | undefined): string | undefined {
  return typeof v === "string" ? v.trim().toLowerCase() : undefined;
}

/**
 * Maps a rule's `logsource` to the events it applies to, at load: a `category` to its Sysmon
 * event ids (and Security 4688 for process_creation, PowerShell channels for ps_*), else a
 * `service` to its channel(s) with any event id, else (product only) to every event.
 */
export function logsourceVariants(logsource: Readonly<Record<string, YValue>>): LogsourceVariant[] {
  const product = str(logsource.product);
  const category = str(logsource.category);
  const service = str(logsource.service);
  if (product !== undefined && product !== "windows")
    throw unsupported(`product ${product} is not Windows`);
  if (category !== undefined) {
    const ps = POWERSHELL_CATEGORIES[category];
    if (ps !== undefined) {
      const channels = SERVICE_CHANNELS[ps.service] ?? [];
      return [
        { label: `PowerShell ${ps.eventId}`, keys: channels.map((c) => eventKey(c, ps.eventId)) },
      ];
    }
    const ids = SYSMON_CATEGORY_EVENTS[category];
    if (ids === undefined) throw unsupported(`category ${category} has no Windows event mapping`);
    if (service !== undefined && service !== "sysmon") {
      throw unsupported(`category ${category} with service ${service} has no event mapping`);
    }
    const extra = SYSMON_EXTRA[category];
    const variants: LogsourceVariant[] = [
      {
        label: `Sysmon ${ids.join("/")}`,
        keys: ids.map((id) => eventKey(SYSMON, id)),
        ...(extra === undefined ? {} : { extra }),
      },
    ];
    if (category === "process_creation" && service === undefined) {
      variants.push({
        label: "Security 4688",
        keys: [eventKey("Security", 4688)],
        mapping: SECURITY_4688_FIELDS,
      });
    }
    return variants;
  }
  if (service !== undefined) {
    const channels = SERVICE_CHANNELS[service];
    if (channels === undefined) throw unsupported(`service ${service} has no channel mapping`);
    return [
      { label: `channel ${channels.join(", ")}`, keys: channels.map((c) => eventKey(c, "*")) },
    ];
  }
  if (product === "windows") return [{ label: "any Windows event", keys: [ANY_EVENT] }];
  throw unsupported("logsource names no product, category or service");
}
