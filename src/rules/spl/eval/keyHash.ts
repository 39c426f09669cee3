/** The FNV-1a 32-bit offset basis: the hash of no parts. */
export const KEY_HASH_SEED = 0x811c9dc5;

/**
 * Adds one key part to a 32-bit FNV-1a hash (over its UTF-16 code units, then U+FFFF as a
 * separator), so that a key's hash is made from its parts without building the key's text.
 */
export function hashPart(h: number, part: string): number {
  let x = h;
  for (let i = 0; i < part.length; i++) x = Math.imul(x ^ part.charCodeAt(i), 0x01000193);
  return Math.imul(x ^ 0xffff, 0x01000193) >>> 0;
}

/** The hash of a join key (`keyOf`'s JSON array of parts), as `hashPart` makes it from its parts. */
export function keyHash(key: string): number {
  let h = KEY_HASH_SEED;
  for (const part of JSON.parse(key) as string[]) h = hashPart(h, part);
  return h;
}
