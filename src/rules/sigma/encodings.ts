import { invalid } from "./errors.js";

/** Byte encoding chosen by `utf16le`/`wide`, `utf16be` or `utf16` before a base64 modifier. */
export type TextEncoding = "utf8" | "utf16le" | "utf16be" | "utf16";

/** The bytes of `text` in `encoding` (`utf16` writes a little-endian byte order mark first). */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case "utf8":
      return Buffer.from(text, "utf8");
    case "utf16le":
      return Buffer.from(text, "utf16le");
    case "utf16be":
      return Buffer.from(text, "utf16le").swap16();
    case "utf16":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  }
}

/** `base64`: the standard base64 text of the value's bytes. */
export function base64(text: string, encoding: TextEncoding): string {
  return encodeText(text, encoding).toString("base64");
}

/**
 * `base64offset`: the three base64 renderings of the value at byte offsets 0, 1 and 2 of a
 * larger encoded string, each cut to the characters that do not depend on the neighbouring
 * bytes (so a `contains` test finds the value wherever it sits in an encoded blob).
 */
export function base64Offsets(text: string, encoding: TextEncoding): string[] {
  const bytes = encodeText(text, encoding);
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString("base64");
    // Leading characters mixing the pad bytes: 0, 2 or 3; trailing ones mixing the next
    // unknown byte depend on where the value ends within its 3-byte group.
    const start = [0, 2, 3][shift] as number;
    const rest = (bytes.length + shift) % 3;
    const end = rest === 0 ? encoded.length : encoded.length - (rest === 1 ? 3 : 2);
    out.push(encoded.slice(start, end));
  }
  return out;
}

/**
 * The value as the given UTF-16 encoding's bytes read back one byte per character (what
 * `wide`/`utf16*` without a following base64 modifier produce: text with NULs interleaved).
 */
export function utf16AsText(text: string, encoding: Exclude<TextEncoding, "utf8">): string {
  return encodeText(text, encoding).toString("latin1");
}

/** Characters Windows command lines accept for a switch prefix. */
export const WINDASH_CHARS = ["-", "/", "\u2013", "\u2014", "\u2015"] as const;

/** The most variants one value may expand to (5 per switch position). */
const MAX_WINDASH_VARIANTS = 5 ** 4;

/**
 * `windash`: every variant of `text` with each switch prefix (a `-` or `/` that starts a word:
 * not after a word character, and followed by one) replaced by each of `WINDASH_CHARS`.
 */
export function windashVariants(text: string): string[] {
  const positions: number[] = [];
  const word = /\w/;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== "-" && c !== "/") continue;
    const before = i > 0 && word.test(text[i - 1] as string);
    const after = i + 1 < text.length && word.test(text[i + 1] as string);
    if (!before && after) positions.push(i);
  }
  if (positions.length === 0) return [text];
  if (WINDASH_CHARS.length ** positions.length > MAX_WINDASH_VARIANTS) {
    throw invalid(`windash value has too many switch positions (${positions.length}): ${text}`);
  }
  let variants = [""];
  let from = 0;
  for (const p of positions) {
    const head = text.slice(from, p);
    variants = variants.flatMap((v) => WINDASH_CHARS.map((d) => v + head + d));
    from = p + 1;
  }
  const tail = text.slice(from);
  return variants.map((v) => v + tail);
}
