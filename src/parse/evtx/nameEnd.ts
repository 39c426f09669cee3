import { EVTX } from "./layout.js";

/** Offset of a name's UTF-16 characters from the name's own chunk offset (after its header). */
export const NAME_CHARS = 8 as const;

/**
 * Where the UTF-16 characters of the name at chunk offset `offset` end (they start at
 * `offset + NAME_CHARS`, their count is the u16 at `offset + 6`), or -1 when the name does not
 * lie inside the chunk.
 */
export function nameEnd(buf: Buffer, offset: number): number {
  if (offset < EVTX.chunkHeaderSize || offset + NAME_CHARS > buf.length) return -1;
  const end = offset + NAME_CHARS + 2 * buf.readUInt16LE(offset + 6);
  return end > buf.length ? -1 : end;
}
