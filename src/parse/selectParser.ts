import { UnknownFormatError } from "./errors.js";
import { parseEvtx } from "./evtx/index.js";
import { looksLikeJson, parseJsonEvents } from "./json/index.js";
import { parseXmlEvents } from "./parseXmlEvents.js";
import type { Parser } from "./types.js";

export const FORMATS = { xml: "xml", json: "json", evtx: "evtx", empty: "empty" } as const;
export type Format = (typeof FORMATS)[keyof typeof FORMATS];

const EVTX_MAGIC = Buffer.from("ElfFile\0", "latin1");

async function* noEvents(): AsyncIterable<never> {}

/** True when the bytes look like text: no NUL and few control characters. */
function looksLikeText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 512);
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control * 10 <= head.length;
}

/**
 * Chooses the parser for unwrapped content by its first bytes, never by file name (the
 * dispatcher of every input format). Throws `UnknownFormatError` for content it cannot read.
 */
export function selectParser(head: Buffer): { format: Format; parse: Parser } {
  if (head.length === 0) return { format: FORMATS.empty, parse: noEvents };
  if (head.subarray(0, EVTX_MAGIC.length).equals(EVTX_MAGIC))
    return { format: FORMATS.evtx, parse: parseEvtx };
  if (looksLikeJson(head)) return { format: FORMATS.json, parse: parseJsonEvents };
  if (looksLikeText(head)) return { format: FORMATS.xml, parse: parseXmlEvents };
  throw new UnknownFormatError("not a Windows event log: binary content of unknown format");
}
