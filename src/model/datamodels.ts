import {
  FILESYSTEM_FIELDS,
  FILESYSTEM_VERBATIM,
  REGISTRY_FIELDS,
  REGISTRY_VERBATIM,
  TRAFFIC_FIELDS,
  TRAFFIC_VERBATIM,
} from "./cimFields.js";
import { PROCESS_FIELDS, VERBATIM_FIELDS } from "./processFields.js";

/** The CIM datasets events are normalised to, by their tstats name. */
export const DATAMODEL = {
  processes: "Endpoint.Processes",
  filesystem: "Endpoint.Filesystem",
  registry: "Endpoint.Registry",
  traffic: "Network_Traffic.All_Traffic",
} as const;

export type Datamodel = (typeof DATAMODEL)[keyof typeof DATAMODEL];

/**
 * Fields every record has whatever its dataset, as Splunk sets them at index time: `host` is
 * the event's `Computer`. (`_time` is the record's time, handled apart.)
 */
export const DEFAULT_FIELDS: ReadonlySet<string> = new Set(["host"]);

/** What the rules stage needs to know about one dataset. */
export interface DatamodelSpec {
  readonly name: Datamodel;
  /** The dataset's object name, the prefix of its fields in a search: `Processes.user`. */
  readonly object: string;
  /** The CIM fields of the dataset (default fields such as `host` apart). */
  readonly fields: ReadonlySet<string>;
  /** Fields whose values are verbatim substrings of the source event (see `requiredLiterals`). */
  readonly verbatim: ReadonlySet<string>;
}

const SPECS: readonly DatamodelSpec[] = [
  {
    name: DATAMODEL.processes,
    object: "Processes",
    fields: new Set(PROCESS_FIELDS),
    verbatim: VERBATIM_FIELDS,
  },
  {
    name: DATAMODEL.filesystem,
    object: "Filesystem",
    fields: new Set(FILESYSTEM_FIELDS),
    verbatim: FILESYSTEM_VERBATIM,
  },
  {
    name: DATAMODEL.registry,
    object: "Registry",
    fields: new Set(REGISTRY_FIELDS),
    verbatim: REGISTRY_VERBATIM,
  },
  {
    name: DATAMODEL.traffic,
    object: "All_Traffic",
    fields: new Set(TRAFFIC_FIELDS),
    verbatim: TRAFFIC_VERBATIM,
  },
];

/** `datamodel=` names, lower-cased; `Network_Traffic` alone names its root dataset. */
const BY_NAME: ReadonlyMap<string, DatamodelSpec> = new Map([
  ...SPECS.map((s) => [s.name.toLowerCase(), s] as const),
  ["network_traffic", SPECS[3] as DatamodelSpec],
]);

/** The dataset a tstats `datamodel=<name>` reads (case-insensitive), or undefined. */
export function findDatamodel(name: string): DatamodelSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The spec of a dataset this engine maps events to. */
export function datamodelSpec(name: Datamodel): DatamodelSpec {
  return findDatamodel(name) as DatamodelSpec;
}

/** True when `name` is a field of the dataset or a default field. */
export function hasField(spec: DatamodelSpec, name: string): boolean {
  return spec.fields.has(name) || DEFAULT_FIELDS.has(name);
}
