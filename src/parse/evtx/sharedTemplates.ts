import { readTree } from "./binxml.js";
import type { Chunk } from "./Chunk.js";
import { EvtxFormatError } from "./errors.js";
import { EVTX } from "./layout.js";
import { NAME_CHARS, nameEnd } from "./nameEnd.js";
import { Template } from "./Template.js";

/**
 * Template definitions shared across chunks and files. Every chunk repeats the definitions of
 * the templates its records use, byte for byte except for chunk offsets, so a definition seen
 * before is recognised and its compiled renderers reused instead of decoding it again.
 *
 * A definition matches a cached one only when its bytes are identical once each name
 * reference is made relative to the definition (names it carries inline), and every name it
 * references elsewhere in its chunk has the same UTF-16 text: then it cannot render
 * differently. Why: over ../shared/data/evtx (218 files, mostly one chunk of ~17 records) a
 * pass met 929 definitions, of which 87 differ; decoding and compiling each again made
 * bench/evtxBench.ts parse 76k events per CPU second, reusing them 136k.
 */

/** Cached definitions beyond this are dropped all at once (a bound, not a tuned size). */
const LIMITS = { entries: 1024, placements: 4 } as const;
/** Written over a name reference that points outside its definition. */
const OUTSIDE = 0xffffffff;

/** A name reference outside the definition: its field index and the name's UTF-16 bytes. */
interface OutsideName {
  readonly field: number;
  readonly chars: Buffer;
}

/** Where a definition was met (its chunk offset) with its bytes there. */
interface Placement {
  readonly offset: number;
  readonly raw: Buffer;
}

interface Entry {
  /** Definition bytes from the GUID on (the next-template link varies), references normalised. */
  readonly normalized: Buffer;
  /** Positions of name references, relative to the definition start, in order. */
  readonly fields: Int32Array;
  readonly outside: readonly OutsideName[];
  /**
   * Placements it matched at: the same bytes at the same offset hold the same references, so
   * one native comparison replaces the reference-by-reference one. In bench/evtxBench.ts (218
   * files, mostly one chunk each) template lookups were 12-14% of the time spent on small files.
   */
  readonly placed: Placement[];
  readonly template: Template;
}

const cache = new Map<number, Entry[]>();
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

/**
 * Whether the definition at `offset` is `entry`'s: the bytes of a placement it matched at
 * before, or else the same once normalised (compared in place, without copying: normalising
 * into a scratch buffer and comparing natively took 6% of the bench/evtxBench.ts profile for
 * ~930 lookups a pass), and the same names outside it.
 */
function matches(chunk: Chunk, offset: number, end: number, entry: Entry): boolean {
  const buf = chunk.buf;
  const base = offset + 4;
  if (entry.normalized.length !== end - base) return false;
  const p = entry.placed.find((q) => q.offset === offset);
  if (p === undefined || buf.compare(p.raw, 0, p.raw.length, base, end) !== 0) {
    if (!sameNormalized(buf, offset, end, entry)) return false;
    if (p === undefined && entry.placed.length < LIMITS.placements)
      entry.placed.push({ offset, raw: Buffer.from(buf.subarray(base, end)) });
  }
  return sameOutsideNames(buf, offset, entry);
}

/** Byte by byte between name references, each reference made relative as it goes. */
function sameNormalized(buf: Buffer, offset: number, end: number, entry: Entry): boolean {
  const norm = entry.normalized;
  const base = offset + 4;
  const fields = entry.fields;
  let from = 0;
  for (let f = 0; f <= fields.length; f++) {
    const at = f < fields.length ? (fields[f] as number) - 4 : norm.length;
    for (let i = from; i < at; i++) if (buf[base + i] !== norm[i]) return false;
    if (at === norm.length) break;
    const target = buf.readUInt32LE(base + at);
    const rel = target >= offset && target < end ? target - offset : OUTSIDE;
    if (norm.readUInt32LE(at) !== rel) return false;
    from = at + 4;
  }
  return true;
}

/** Each name referenced outside the definition has the same UTF-16 bytes as when cached. */
function sameOutsideNames(buf: Buffer, offset: number, entry: Entry): boolean {
  for (const { field, chars } of entry.outside) {
    const target = buf.readUInt32LE(offset + (entry.fields[field] as number));
    const at = target + NAME_CHARS;
    if (nameEnd(buf, target) - at !== chars.length) return false;
    for (let i = 0; i < chars.length; i++) if (buf[at + i] !== chars[i]) return false;
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
  // Part of the GUID and the data size: a key narrowing the search, all verified before reuse.
  const key = buf.readUInt32LE(offset + 4) * 65536 + (buf.readUInt32LE(offset + 20) & 0xffff);
  const candidates = cache.get(key);
  if (candidates !== undefined) {
    for (const entry of candidates) if (matches(chunk, offset, end, entry)) return entry.template;
  }
  const absolute: number[] = [];
  const tree = readTree(chunk, start, end, true, absolute);
  const template = new Template(tree.nodes);
  if (tree.hasInstances) return template;
  // In order (as read), as `matches` needs.
  const fields = Int32Array.from(absolute, (p) => p - offset).sort();
  const outside: OutsideName[] = [];
  fields.forEach((at, field) => {
    const target = buf.readUInt32LE(offset + at);
    if (target >= offset && target < end) return;
    const charsEnd = nameEnd(buf, target);
    if (charsEnd === -1) throw new EvtxFormatError(`name at ${target} is not inside the chunk`);
    outside.push({ field, chars: Buffer.from(buf.subarray(target + NAME_CHARS, charsEnd)) });
  });
  if (entries >= LIMITS.entries) {
    cache.clear();
    entries = 0;
  }
  const entry: Entry = {
    normalized: Buffer.from(normalize(buf, offset, end, fields)),
    fields,
    outside,
    placed: [],
    template,
  };
  if (candidates === undefined) cache.set(key, [entry]);
  else candidates.push(entry);
  entries++;
  return template;
}
