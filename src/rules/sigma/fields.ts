import type { WinEvent } from "../../parse/types.js";
import { type FieldRef, fieldSlot } from "./EventView.js";

type Reader = (event: WinEvent) => string | undefined;

function str(n: number | undefined): string | undefined {
  return n === undefined ? undefined : String(n);
}

/**
 * `System` values by the names the Sigma specification gives them (element name, or element
 * and attribute joined with `_`). They win over an `EventData` item of the same name.
 */
const SYSTEM_FIELDS: Readonly<Record<string, Reader>> = {
  EventID: (e) => String(e.eventId),
  Channel: (e) => e.channel,
  Computer: (e) => e.computer,
  Provider_Name: (e) => e.provider,
  Provider_Guid: (e) => e.providerGuid,
  EventRecordID: (e) => str(e.eventRecordId),
  Level: (e) => str(e.level),
  Task: (e) => str(e.task),
  Opcode: (e) => str(e.opcode),
  Keywords: (e) => e.keywords,
  Version: (e) => str(e.version),
  Execution_ProcessID: (e) => str(e.processId),
  Execution_ThreadID: (e) => str(e.threadId),
  Security_UserID: (e) => e.userId,
  TimeCreated_SystemTime: (e) => e.timeCreated,
};

/** The unnamed `<Data>` items of classic events (PowerShell 400/600/800), joined by newlines. */
function unnamedData(e: WinEvent): string | undefined {
  const direct = e.data.Data;
  if (direct !== undefined) return direct;
  const parts: string[] = [];
  for (let i = 1; ; i++) {
    const v = e.data[`param${i}`];
    if (v === undefined) break;
    parts.push(v);
  }
  return parts.length === 0 ? undefined : parts.join("\n");
}

/** How one Sigma field is read for a variant whose events name it differently. */
export interface MappedField {
  readonly from: string;
  readonly convert?: (value: string) => string;
}

export type FieldMapping = Readonly<Record<string, MappedField>>;

function dataReader(name: string): Reader {
  if (name === "Data") return unnamedData;
  // A field named like an Object.prototype member must not read the inherited one.
  if (name in Object.prototype)
    return (e) => (Object.hasOwn(e.data, name) ? e.data[name] : undefined);
  return (e) => e.data[name];
}

/** Compiles the reader of field `name` (after the variant's mapping) once, at load. */
export function fieldRef(name: string, mapping: FieldMapping | undefined): FieldRef {
  const mapped = mapping?.[name];
  if (mapped !== undefined) {
    const base = SYSTEM_FIELDS[mapped.from] ?? dataReader(mapped.from);
    const convert = mapped.convert;
    if (convert === undefined)
      return { key: mapped.from, slot: fieldSlot(mapped.from), read: base };
    const key = `${mapped.from}>${name}`;
    return {
      key,
      slot: fieldSlot(key),
      read: (e) => {
        const v = base(e);
        return v === undefined ? undefined : convert(v);
      },
    };
  }
  return { key: name, slot: fieldSlot(name), read: SYSTEM_FIELDS[name] ?? dataReader(name) };
}

/** `0x1b28` -> `6952` (Security log process ids are hex, Sysmon's are decimal). */
export function hexToDecimal(value: string): string {
  if (!/^0x[0-9a-f]+$/i.test(value)) return value;
  const n = Number.parseInt(value, 16);
  return Number.isSafeInteger(n) ? String(n) : value;
}
