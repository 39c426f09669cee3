/** Seconds from 1601-01-01 (the FILETIME epoch) to 1970-01-01. */
const EPOCH_DIFF_SECONDS = 11_644_473_600;

let lastSeconds = Number.NaN;
let lastPrefix = "";

/** `YYYY-MM-DDTHH:MM:SS` for whole seconds since 1601; the last one is cached (records share it). */
function secondsPrefix(seconds: number): string {
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastPrefix = new Date((seconds - EPOCH_DIFF_SECONDS) * 1000).toISOString().slice(0, 19);
  }
  return lastPrefix;
}

/**
 * A FILETIME (100 ns ticks since 1601, as two little-endian 32-bit halves) in the form Windows
 * and libevtx render `SystemTime`: nine fraction digits, the last two always zero,
 * e.g. `2019-06-20T08:07:42.331810800Z`.
 */
export function formatFiletime(lo: number, hi: number): string {
  let seconds: number;
  let ticks: number;
  if (hi < 0x40000000) {
    // 2^32 = 429 * 10^7 + 4967296, so the split stays below 2^53 and exact without BigInt.
    const rest = hi * 4_967_296 + lo;
    seconds = hi * 429 + Math.floor(rest / 10_000_000);
    ticks = rest % 10_000_000;
  } else {
    const all = (BigInt(hi) << 32n) | BigInt(lo);
    seconds = Number(all / 10_000_000n);
    ticks = Number(all % 10_000_000n);
  }
  return `${secondsPrefix(seconds)}.${String(ticks).padStart(7, "0")}00Z`;
}

/** A SYSTEMTIME (eight little-endian u16) as ISO-8601 UTC with nine fraction digits. */
export function formatSystemtime(buf: Buffer, off: number): string {
  const year = buf.readUInt16LE(off);
  const p2 = (n: number): string => String(n).padStart(2, "0");
  const ms = String(buf.readUInt16LE(off + 14)).padStart(3, "0");
  return (
    `${String(year).padStart(4, "0")}-${p2(buf.readUInt16LE(off + 2))}-${p2(buf.readUInt16LE(off + 6))}` +
    `T${p2(buf.readUInt16LE(off + 8))}:${p2(buf.readUInt16LE(off + 10))}:${p2(buf.readUInt16LE(off + 12))}` +
    `.${ms}000000Z`
  );
}
