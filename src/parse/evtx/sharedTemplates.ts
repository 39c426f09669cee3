import { readTree } from "./binxml.js";
import type { Chunk } from "./Chunk.js";
import { EvtxFormatError } from "./errors.js";
import { EVTX } from "./layout.js";
import { Template } from "./Template.js";

/**
 * Template definitions shared across chunks and files. Every chunk repeats the definitions of
 * the templates its records use, byte for byte except for chunk offsets, so a definition seen
 * before is recognised and its compiled renderers reused instead of decoding it again.
 *
 * A definition matches a cached one only when its bytes are identical once each name
 * reference is made relative to the definition (names it carries inline), and every name it
 * references elsewhere in its chunk decodes to the same text: then it cannot render
 * differently. Why: over ../shared/data/evtx (218 files, mostly one chunk of ~17 records) a
 * pass met 929 definitions, of which 87 differ; decoding and compiling each again made
 * bench/evtxBench.ts parse 76k events per CPU second, reusing them 136k.
 */

/** Cached definitions beyond this are dropped all at once (a bound, not a tuned size). */
const LIMITS = { entries: 1024 } as const;
/** Written over a name reference that points outside its definition. */
const OUTSIDE = 0xffffffff;

interface Entry {
  /** Definition bytes from the GUID on (the next-template link varies), references normalised. */
  readonly normalized: Buffer;
  /** Positions of name references, relative to the definition start. */
  readonly fields: Int32Array;
  /** For each reference outside the definition: its field index and the name it gave. */
  readonly outside: ReadonlyArray<readonly [number, string]>;
  readonly template: Template;
}

const cache = new Map<string, Entry[]>();
let entries = 0;
let scratch = Buffer.alloc(4096);

/** `buf[offset + 4, end)` with each name reference in `fields` made relative, into `scratch`. */
function normalize(buf: Buffer, offset: number, end: number, fields: Int32Array): Buffer {
  const length = end - offset - 4;
  if (scratch.length < length) scratch = Buffer.alloc(Math.max(length, scratch.length * 2));
  buf.copy(scratch, 0, offset + 4, end);
  for (let i = 0; i < fields.length; i++) {
    const at = fields[i] as number;
    const target = buf.readUInt32LE(offset + at);
    const rel = target >= offset && target < end ? target - offset : OUTSIDE;
    scratch.writeUInt32LE(rel, at - 4);
  }
  return scratch.subarray(0, length);
}

function matches(chunk: Chunk, offset: number, end: number, entry: Entry): boolean {
  if (!normalize(chunk.buf, offset, end, entry.fields).equals(entry.normalized)) return false;
  for (const [field, name] of entry.outside) {
    if (chunk.name(chunk.buf.readUInt32LE(offset + (entry.fields[field] as number))) !== name)
      return false;
  }
  return true;
}

/** The compiled template defined at chunk offset `offset`, from the cache or read now. */
export function sharedTemplate(chunk: Chunk, offset: number): Template {
  const buf = chunk.buf;
  if (offset < EVTX.chunkHeaderSize || offset + EVTX.templateHeaderSize > buf.length) {
    throw new EvtxFormatError(`template offset ${offset} outside the chunk`);
  }
  const start = offset + EVTX.templateHeaderSize;
  const end = start + buf.readUInt32LE(offset + 20);
  if (end > buf.length) throw new EvtxFormatError(`template at ${offset} runs past the chunk`);
  // GUID and data size: the usual key of a template, verified below before any reuse.
  const key = buf.toString("latin1", offset + 4, start);
  const candidates = cache.get(key);
  if (candidates !== undefined) {
    for (const entry of candidates) if (matches(chunk, offset, end, entry)) return entry.template;
  }
  const absolute: number[] = [];
  const tree = readTree(chunk, start, end, true, absolute);
  const template = new Template(tree.nodes);
  if (tree.hasInstances) return template;
  const fields = Int32Array.from(absolute, (p) => p - offset);
  const outside: [number, string][] = [];
  fields.forEach((at, i) => {
    const target = buf.readUInt32LE(offset + at);
    if (target < offset || target >= end) outside.push([i, chunk.name(target)]);
  });
  if (entries >= LIMITS.entries) {
    cache.clear();
    entries = 0;
  }
  const entry: Entry = {
    normalized: Buffer.from(normalize(buf, offset, end, fields)),
    fields,
    outside,
    template,
  };
  if (candidates === undefined) cache.set(key, [entry]);
  else candidates.push(entry);
  entries++;
  return template;
}
