import type { WinEvent } from "../parse/types.js";
import { DATAMODEL } from "./datamodels.js";
import { compileCimMapper, EVENT_IDS_BY_DATAMODEL } from "./toCimRecord.js";
import type { ProcessRecord } from "./types.js";

export { basename, PROVIDERS } from "./mapperKit.js";
export { parseSystemTime } from "./toCimRecord.js";

/** Event ids that can yield a process record, for callers that count or filter cheaply. */
export const PROCESS_EVENT_IDS: ReadonlySet<number> = EVENT_IDS_BY_DATAMODEL[DATAMODEL.processes];

const toProcesses = compileCimMapper([DATAMODEL.processes]);

/**
 * Normalises a Sysmon EID 1 or Security 4688 event to `Endpoint.Processes`; any other event
 * gives `undefined`.
 */
export function toProcessRecord(event: WinEvent): ProcessRecord | undefined {
  return toProcesses(event) as ProcessRecord | undefined;
}
