import { type Latin1, type Ucs2, u16, u32 } from "./bytes.js";
import { VALUE } from "./layout.js";
import { formatFiletime, formatSystemtime } from "./time.js";

/**
 * UTF-16LE text of `buf[start, end)` without trailing NULs (writers often count the NUL).
 * Calls `ucs2Slice` directly: bench/evtxBench.ts profiles showed `toString`'s dispatch at
 * ~7% of parse time, about as much as the decoding itself.
 */
export function utf16(buf: Buffer, start: number, end: number): string {
  let e = end - ((end - start) & 1);
  while (e > start && buf[e - 1] === 0 && buf[e - 2] === 0) e -= 2;
  return e === start ? "" : (buf as unknown as Ucs2).ucs2Slice(start, e);
}

function ansi(buf: Buffer, start: number, end: number): string {
  let e = end;
  while (e > start && buf[e - 1] === 0) e--;
  // latin1 is windows-1252 except for 0x80-0x9F, which these logs practically never hold.
  return buf.toString("latin1", start, e);
}

/** Upper-case hex digits, as bytes. */
const DIGITS = Buffer.from("0123456789ABCDEF", "latin1");
/** A GUID's bytes in the order they are written, and where each one's two digits go. */
const GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;
const GUID_AT = [1, 3, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 31, 33, 35] as const;
/** The text being written; only the digits change. */
const GUID_TEXT = Buffer.from("{00000000-0000-0000-0000-000000000000}", "latin1");

/**
 * `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as Windows renders a GUID. Digits are written into
 * a buffer made into one flat string: joining 16 two-digit strings took ~2x as long (250 against
 * 100-130 ns a GUID in a microbenchmark), ~5% of the bench/evtxBench.ts profile (Sysmon
 * events carry 2-3 GUIDs).
 */
export function formatGuid(b: Buffer, o: number): string {
  for (let k = 0; k < 16; k++) {
    const x = b[o + (GUID_ORDER[k] as number)] as number;
    const at = GUID_AT[k] as number;
    GUID_TEXT[at] = DIGITS[x >> 4] as number;
    GUID_TEXT[at + 1] = DIGITS[x & 15] as number;
  }
  return (GUID_TEXT as unknown as Latin1).latin1Slice(0, 38);
}

/** `S-R-A-S1-S2...`; returns the text and the bytes used, or undefined when it does not fit. */
function readSid(
  buf: Buffer,
  off: number,
  end: number,
): { text: string; size: number } | undefined {
  if (off + 8 > end) return undefined;
  const count = buf[off + 1] as number;
  const size = 8 + 4 * count;
  if (off + size > end) return undefined;
  const authority = buf.readUIntBE(off + 2, 6);
  let text = `S-${buf[off]}-${authority >= 2 ** 32 ? `0x${authority.toString(16).toUpperCase()}` : authority}`;
  for (let i = 0; i < count; i++) text += `-${buf.readUInt32LE(off + 8 + 4 * i)}`;
  return { text, size };
}

function uint64(buf: Buffer, off: number): string {
  const hi = buf.readUInt32LE(off + 4);
  if (hi < 0x200000) return String(hi * 4294967296 + buf.readUInt32LE(off));
  return buf.readBigUInt64LE(off).toString();
}

function int64(buf: Buffer, off: number): string {
  const hi = buf.readInt32LE(off + 4);
  if (hi < 0x200000 && hi >= -0x200000) return String(hi * 4294967296 + buf.readUInt32LE(off));
  return buf.readBigInt64LE(off).toString();
}

/** `0x` and lower-case hex without padding, as Windows renders HexInt64 (`0x3e7`). */
function hex64(buf: Buffer, off: number): string {
  const hi = buf.readUInt32LE(off + 4);
  const lo = buf.readUInt32LE(off).toString(16);
  return hi === 0 ? `0x${lo}` : `0x${hi.toString(16)}${lo.padStart(8, "0")}`;
}

/** Bytes of one element of a fixed-size type, 0 for variable-size types. */
export function fixedSize(type: number): number {
  switch (type) {
    case VALUE.int8:
    case VALUE.uint8:
      return 1;
    case VALUE.int16:
    case VALUE.uint16:
      return 2;
    case VALUE.int32:
    case VALUE.uint32:
    case VALUE.real32:
    case VALUE.bool:
    case VALUE.hexInt32:
      return 4;
    case VALUE.int64:
    case VALUE.uint64:
    case VALUE.real64:
    case VALUE.filetime:
    case VALUE.hexInt64:
      return 8;
    case VALUE.guid:
    case VALUE.systemtime:
      return 16;
    default:
      return 0;
  }
}

/**
 * Text of one scalar value of `type` stored in `buf[off, off + size)`, rendered as Windows
 * renders event XML (decimal integers, `0x` hex for HexInt and size_t, `{GUID}`, `S-1-...`,
 * ISO times, upper-case hex for binary). Returns undefined when the bytes do not fit the type
 * or lie outside `buf`.
 */
export function formatScalar(
  type: number,
  buf: Buffer,
  off: number,
  size: number,
): string | undefined {
  const need = fixedSize(type);
  if (size < need || off < 0 || off + size > buf.length) return undefined;
  switch (type) {
    case VALUE.wstring:
      return utf16(buf, off, off + size);
    case VALUE.string:
      return ansi(buf, off, off + size);
    case VALUE.null:
    case VALUE.evtHandle:
    case VALUE.evtXml:
      return "";
    case VALUE.int8:
      return String(buf.readInt8(off));
    case VALUE.uint8:
      return String(buf[off]);
    case VALUE.int16:
      return String(buf.readInt16LE(off));
    case VALUE.uint16:
      return String(u16(buf, off));
    case VALUE.int32:
      return String(buf.readInt32LE(off));
    case VALUE.uint32:
      return String(u32(buf, off));
    case VALUE.int64:
      return int64(buf, off);
    case VALUE.uint64:
      return uint64(buf, off);
    case VALUE.real32:
      return String(buf.readFloatLE(off));
    case VALUE.real64:
      return String(buf.readDoubleLE(off));
    case VALUE.bool:
      return buf.readUInt32LE(off) === 0 ? "false" : "true";
    case VALUE.binary:
      return buf.toString("hex", off, off + size).toUpperCase();
    case VALUE.guid:
      return formatGuid(buf, off);
    case VALUE.sizeT:
      if (size === 4) return `0x${buf.readUInt32LE(off).toString(16)}`;
      return size >= 8 ? hex64(buf, off) : undefined;
    case VALUE.filetime:
      return formatFiletime(buf.readUInt32LE(off), buf.readUInt32LE(off + 4));
    case VALUE.systemtime:
      return formatSystemtime(buf, off);
    case VALUE.sid:
      return readSid(buf, off, off + size)?.text;
    case VALUE.hexInt32:
      return `0x${u32(buf, off).toString(16)}`;
    case VALUE.hexInt64:
      return hex64(buf, off);
    default:
      return undefined;
  }
}

/** The items of an array value (`type` has the 0x80 flag), or undefined when malformed. */
export function formatArray(
  type: number,
  buf: Buffer,
  off: number,
  size: number,
): string[] | undefined {
  const base = type & ~VALUE.array;
  const end = off + size;
  if (base === VALUE.wstring || base === VALUE.string) {
    const text =
      base === VALUE.wstring
        ? buf.toString("utf16le", off, end - (size & 1))
        : buf.toString("latin1", off, end);
    const items = text.split("\0");
    if (items.length > 1 && items[items.length - 1] === "") items.pop();
    return items;
  }
  const items: string[] = [];
  if (base === VALUE.sid) {
    for (let p = off; p < end; ) {
      const sid = readSid(buf, p, end);
      if (sid === undefined) return undefined;
      items.push(sid.text);
      p += sid.size;
    }
    return items;
  }
  const step = base === VALUE.sizeT ? 8 : fixedSize(base);
  if (step === 0 || size % step !== 0) return undefined;
  for (let p = off; p < end; p += step) {
    const text = formatScalar(base, buf, p, step);
    if (text === undefined) return undefined;
    items.push(text);
  }
  return items;
}
