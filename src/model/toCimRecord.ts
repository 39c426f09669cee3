import type { WinEvent } from "../parse/types.js";
import { DATAMODEL, type Datamodel } from "./datamodels.js";
import { type Mapper, PROVIDERS } from "./mapperKit.js";
import { FILESYSTEM_MAPPERS } from "./mappers/filesystem.js";
import { SECURITY_PROCESS_MAPPERS, SYSMON_PROCESS_MAPPERS } from "./mappers/processes.js";
import { REGISTRY_MAPPERS } from "./mappers/registry.js";
import { TRAFFIC_MAPPERS } from "./mappers/traffic.js";
import type { CimRecord } from "./types.js";

/** Which events each dataset is built from: provider, then mapper by event id. */
const MAPPERS: Readonly<
  Record<Datamodel, ReadonlyArray<readonly [string, ReadonlyMap<number, Mapper>]>>
> = {
  [DATAMODEL.processes]: [
    [PROVIDERS.sysmon, SYSMON_PROCESS_MAPPERS],
    [PROVIDERS.security, SECURITY_PROCESS_MAPPERS],
  ],
  [DATAMODEL.filesystem]: [[PROVIDERS.sysmon, FILESYSTEM_MAPPERS]],
  [DATAMODEL.registry]: [[PROVIDERS.sysmon, REGISTRY_MAPPERS]],
  [DATAMODEL.traffic]: [[PROVIDERS.sysmon, TRAFFIC_MAPPERS]],
};

/** Event ids that can yield a record of each dataset, for parse interests and counts. */
export const EVENT_IDS_BY_DATAMODEL: Readonly<Record<Datamodel, ReadonlySet<number>>> =
  Object.fromEntries(
    Object.entries(MAPPERS).map(([dm, list]) => [
      dm,
      new Set(list.flatMap(([, byId]) => [...byId.keys()])),
    ]),
  ) as unknown as Record<Datamodel, ReadonlySet<number>>;

/** Parses `System/TimeCreated/@SystemTime` (up to 9 fractional digits) to epoch milliseconds. */
export function parseSystemTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (m === null) return Number.NaN;
  const frac = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${(m[1] as string).replace(" ", "T")}.${frac}${m[3] ?? "Z"}`);
}

interface Entry {
  readonly provider: string;
  readonly datamodel: Datamodel;
  readonly mapper: Mapper;
}

/** Normalises one event to a CIM record, or gives undefined when no wanted dataset takes it. */
export type CimMapper = (event: WinEvent) => CimRecord | undefined;

/** Compiled mappers by their sorted datasets (at most 15 sets of the four). */
const compiled = new Map<string, CimMapper>();

/**
 * The mapper for the wanted datasets, compiled once per set of datasets: per event one lookup
 * by event id, then the provider. The record gets the default field `host` (the event's
 * `Computer`, as Splunk sets it) beside the dataset's fields.
 */
export function compileCimMapper(datamodels: Iterable<Datamodel>): CimMapper {
  const wanted = [...new Set(datamodels)].sort();
  const key = wanted.join(",");
  let mapper = compiled.get(key);
  if (mapper === undefined) {
    mapper = buildMapper(wanted);
    compiled.set(key, mapper);
  }
  return mapper;
}

function buildMapper(datamodels: readonly Datamodel[]): CimMapper {
  const byId = new Map<number, Entry[]>();
  for (const datamodel of datamodels) {
    for (const [provider, mappers] of MAPPERS[datamodel]) {
      for (const [id, mapper] of mappers) {
        const list = byId.get(id) ?? [];
        list.push({ provider, datamodel, mapper });
        byId.set(id, list);
      }
    }
  }
  return (event) => {
    const entries = byId.get(event.eventId);
    if (entries === undefined) return undefined;
    for (const entry of entries) {
      if (entry.provider !== event.provider) continue;
      const fields = entry.mapper(event.data, event);
      if (event.computer !== "" && event.computer !== "-") fields.host = event.computer;
      return {
        datamodel: entry.datamodel,
        fields,
        time: parseSystemTime(event.timeCreated),
        position: event.position,
      };
    }
    return undefined;
  };
}
