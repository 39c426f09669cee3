import { finishDraft } from "../eventDraft.js";
import type { ParseInterest, WinEvent } from "../types.js";
import type { Chunk } from "./Chunk.js";
import type { Ctx } from "./compile.js";
import { EvtxFormatError } from "./errors.js";
import { expandBinXml } from "./expandBinXml.js";
import { Values } from "./Values.js";

const NO_DATA: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Substitution arrays by nesting level, shared by every parse: a record is rendered in one
 * synchronous call, so no two records ever use them at once. Allocating them per parse showed
 * at ~3% in bench/evtxBench.ts (218 small files).
 */
const POOL: Values[] = [];

/** BinXml and template instances nested deeper than this are taken for corruption (real events: 4). */
const MAX_NESTING = 32;

/**
 * Collects one record's fields while its compiled templates run, then makes the `WinEvent`
 * exactly as `parseEventXml` would from the same event's XML (same fields, same text).
 * One builder serves every record of a parse; `reset` starts the next record.
 */
export class EventBuilder {
  chunk!: Chunk;
  buf!: Buffer;
  provider = "";
  providerGuid: string | undefined;
  eventId: number | undefined;
  version: number | undefined;
  level: number | undefined;
  task: number | undefined;
  opcode: number | undefined;
  keywords: string | undefined;
  timeCreated: string | undefined;
  eventRecordId: number | undefined;
  processId: number | undefined;
  threadId: number | undefined;
  channel = "";
  computer = "";
  userId: string | undefined;
  /** The record's `data`, made by its first write. */
  data: Record<string, string> | undefined;
  private unnamed = 0;
  private nesting = 0;
  private interest: ParseInterest | undefined;
  private skippedData = false;

  reset(chunk: Chunk, interest?: ParseInterest): void {
    this.chunk = chunk;
    this.interest = interest;
    this.skippedData = false;
    this.buf = chunk.buf;
    this.provider = "";
    this.providerGuid = undefined;
    this.eventId = undefined;
    this.version = undefined;
    this.level = undefined;
    this.task = undefined;
    this.opcode = undefined;
    this.keywords = undefined;
    this.timeCreated = undefined;
    this.eventRecordId = undefined;
    this.processId = undefined;
    this.threadId = undefined;
    this.channel = "";
    this.computer = "";
    this.userId = undefined;
    this.data = undefined;
    this.unnamed = 0;
    this.nesting = 0;
  }

  /**
   * Whether `EventData`/`UserData` should be read: false when the caller's `ParseInterest` rules
   * out this event id or its position (the event is then yielded header-only, `partial`). `System` comes first
   * in every Windows event, so the id is known here.
   */
  wantsData(): boolean {
    const interest = this.interest;
    if (
      interest === undefined ||
      (this.eventId !== undefined &&
        interest.eventIds.has(this.eventId) &&
        // the position is the EventRecordID when the event has one (see `finish`)
        (interest.at === undefined ||
          this.eventRecordId === undefined ||
          interest.at({ record: this.eventRecordId })))
    ) {
      return true;
    }
    this.skippedData = true;
    return false;
  }

  /** The record's `data` object, made empty on first use. */
  dataObject(): Record<string, string> {
    if (this.data === undefined) this.data = {};
    return this.data;
  }

  /** Stores an `EventData/Data` value by its `Name`, or as `paramN` when it has none. */
  setData(name: string | undefined, text: string): void {
    this.dataObject()[name ?? `param${++this.unnamed}`] = text;
  }

  /** Renders the BinXml in chunk bytes `[pos, end)` (a record body or a 0x21 value) at `ctx`. */
  expand(pos: number, end: number, ctx: Ctx): void {
    if (++this.nesting > MAX_NESTING)
      throw new EvtxFormatError(`BinXml nested deeper than ${MAX_NESTING}`);
    expandBinXml(this, pos, end, ctx);
    this.nesting--;
  }

  /**
   * Runs the template at `templateOffset` with the substitution array at `valuesOffset`;
   * returns the chunk offset just past the values.
   */
  instance(templateOffset: number, valuesOffset: number, end: number, ctx: Ctx): number {
    const buf = this.buf;
    // Each instance gets its own level: one nested inside another must not reuse its values.
    const level = ++this.nesting;
    if (level > MAX_NESTING) throw new EvtxFormatError(`BinXml nested deeper than ${MAX_NESTING}`);
    let v = POOL[level];
    if (v === undefined) {
      v = new Values();
      POOL[level] = v;
    }
    const count = buf.readUInt32LE(valuesOffset);
    if (valuesOffset + 4 + 4 * count > end)
      throw new EvtxFormatError(`substitution array runs past its record`);
    v.reserve(count);
    let d = valuesOffset + 4;
    let at = d + 4 * count;
    for (let i = 0; i < count; i++, d += 4) {
      const size = (buf[d] as number) | ((buf[d + 1] as number) << 8);
      v.types[i] = buf[d + 2] as number;
      v.offsets[i] = at;
      v.sizes[i] = size;
      at += size;
    }
    if (at > end)
      throw new EvtxFormatError(`substitution values run past their record (${at} > ${end})`);
    this.chunk.template(templateOffset).exec(ctx)(this, v);
    this.nesting--;
    return at;
  }

  /**
   * The event, or an error text when the record had no numeric `EventID`. `recordNumber` (the
   * record header's) is the position only when the event has no `EventRecordID`: the two differ
   * in exported files (wevtutil epl renumbers headers, the SigmaHQ regression files show it).
   */
  finish(recordNumber: number): WinEvent | string {
    if (this.eventId === undefined) return "missing or non-numeric <EventID>";
    const data = this.skippedData ? NO_DATA : (this.data ?? {});
    const position = { record: this.eventRecordId ?? recordNumber };
    if (
      this.providerGuid !== undefined &&
      this.version !== undefined &&
      this.level !== undefined &&
      this.task !== undefined &&
      this.opcode !== undefined &&
      this.keywords !== undefined &&
      this.eventRecordId !== undefined &&
      this.processId !== undefined &&
      this.threadId !== undefined &&
      this.userId !== undefined &&
      !this.skippedData
    ) {
      // Every System field present (Sysmon, Security): one object shape for all of them.
      return {
        provider: this.provider,
        providerGuid: this.providerGuid,
        eventId: this.eventId,
        version: this.version,
        level: this.level,
        task: this.task,
        opcode: this.opcode,
        keywords: this.keywords,
        timeCreated: this.timeCreated ?? "",
        eventRecordId: this.eventRecordId,
        processId: this.processId,
        threadId: this.threadId,
        channel: this.channel,
        computer: this.computer,
        userId: this.userId,
        data,
        position,
      };
    }
    // Some System fields missing: the shape every parser gives such an event. A copy of the
    // builder, on this path only: bench/evtxBench.ts parseEvtx from memory, 3 alternating
    // pairs, 122-134k events/s before, 117-143k after.
    return finishDraft(
      { ...this, data: data as Record<string, string> },
      position,
      this.skippedData,
    ) as WinEvent;
  }
}
