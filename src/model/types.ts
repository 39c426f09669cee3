import type { EventPosition } from "../parse/types.js";
import type { Datamodel } from "./datamodels.js";
import type { ProcessField } from "./processFields.js";

/** One CIM record: the dataset it belongs to, the fields an event provides, where it came from. */
export interface CimRecord<F extends string = string> {
  readonly datamodel: Datamodel;
  /**
   * Present fields only (the dataset's CIM fields and the default field `host`); a field the
   * source does not provide is absent (Splunk's null).
   */
  readonly fields: Readonly<Partial<Record<F, string>>>;
  /** `_time` in epoch milliseconds. */
  readonly time: number;
  readonly position: EventPosition;
}

/** One `Endpoint.Processes` record. */
export interface ProcessRecord extends CimRecord<ProcessField | "host"> {
  readonly datamodel: "Endpoint.Processes";
}
