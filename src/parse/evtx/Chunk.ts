import { EvtxFormatError } from "./errors.js";
import { utf16 } from "./formatValue.js";
import { NAME_CHARS, nameEnd } from "./nameEnd.js";
import { sharedTemplate } from "./sharedTemplates.js";
import type { Template } from "./Template.js";

/**
 * One 64 KiB chunk's bytes with its caches: names and template definitions are referenced by
 * chunk offset and shared by the chunk's records, so each is decoded and compiled once.
 */
export class Chunk {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template>();
  /**
   * Definitions that failed to read, kept apart: no `instanceof` per template instance
   * (+5-8% events/s in bench/evtxBench.ts, bytes in memory, A/B median of 50 passes).
   */
  private readonly badTemplates = new Map<number, EvtxFormatError>();

  constructor(readonly buf: Buffer) {}

  name(offset: number): string {
    let name = this.names.get(offset);
    if (name === undefined) {
      const end = nameEnd(this.buf, offset);
      if (end === -1) throw new EvtxFormatError(`name at ${offset} is not inside the chunk`);
      name = utf16(this.buf, offset + NAME_CHARS, end);
      this.names.set(offset, name);
    }
    return name;
  }

  template(offset: number): Template {
    let template = this.templates.get(offset);
    if (template !== undefined) return template;
    let error = this.badTemplates.get(offset);
    if (error === undefined) {
      try {
        template = sharedTemplate(this, offset);
        this.templates.set(offset, template);
        return template;
      } catch (e) {
        error =
          e instanceof EvtxFormatError
            ? e
            : new EvtxFormatError(`template at ${offset}: ${String(e)}`, { cause: e });
        this.badTemplates.set(offset, error);
      }
    }
    throw error;
  }
}
