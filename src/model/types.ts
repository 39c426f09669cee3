import type { EventPosition } from "../parse/types.js";
import type { ProcessField } from "./processFields.js";

/** One `Endpoint.Processes` record: the CIM fields an event provides, and where it came from. */
export interface ProcessRecord {
  /** Present fields only; a field the source does not provide is absent (Splunk's null). */
  readonly fields: Partial<Record<ProcessField, string>>;
  /** `_time` in epoch milliseconds. */
  readonly time: number;
  readonly position: EventPosition;
}
