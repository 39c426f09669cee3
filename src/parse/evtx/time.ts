import type { Latin1 } from "./bytes.js";

/** Seconds from 1601-01-01 (the FILETIME epoch) to 1970-01-01. */
const EPOCH_DIFF_SECONDS = 11_644_473_600;

/** `TWO[n]` is `n` as two digits, for n < 100. */
const TWO: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

/**
 * The FILETIME text being written: the whole-seconds prefix stays while the second does
 * (consecutive records share it), then `.` and the fraction digits. One flat string from a
 * buffer rather than a template literal over `padStart`: formatFiletime was ~3.5% of the
 * bench/evtxBench.ts profile.
 */
const TIME = Buffer.alloc(48);
let lastSeconds = Number.NaN;
let prefixLength = 0;

/**
 * Writes `YYYY-MM-DDTHH:MM:SS` for whole seconds since 1601 to `TIME`, by integer arithmetic
 * (the civil-from-days algorithm of H. Hinnant) rather than `Date#toISOString`, which took ~5%
 * of parse time in the bench/evtxBench.ts profile; kept while the second is the same.
 */
function writeSecondsPrefix(seconds: number): void {
  if (seconds === lastSeconds) return;
  const unix = seconds - EPOCH_DIFF_SECONDS;
  const days = Math.floor(unix / 86400);
  const sod = unix - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(sod / 3600);
  const m = Math.floor((sod % 3600) / 60);
  const prefix =
    `${String(year).padStart(4, "0")}-${TWO[month]}-${TWO[day]}` +
    `T${TWO[h]}:${TWO[m]}:${TWO[sod % 60]}`;
  prefixLength = TIME.write(prefix, 0, "latin1");
  lastSeconds = seconds;
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
    // No `%` on doubles: V8 compiles it to a call of fmod (2% of the profile).
    const rest = hi * 4_967_296 + lo;
    let q = Math.floor(rest / 10_000_000);
    ticks = rest - q * 10_000_000;
    if (ticks < 0) {
      q--;
      ticks += 10_000_000;
    }
    seconds = hi * 429 + q;
  } else {
    const all = (BigInt(hi) << 32n) | BigInt(lo);
    seconds = Number(all / 10_000_000n);
    ticks = Number(all % 10_000_000n);
  }
  writeSecondsPrefix(seconds);
  const p = prefixLength;
  TIME[p] = 0x2e; // .
  let t = ticks | 0;
  for (let k = 7; k >= 1; k--) {
    const rest = (t / 10) | 0;
    TIME[p + k] = 0x30 + t - 10 * rest;
    t = rest;
  }
  TIME[p + 8] = 0x30;
  TIME[p + 9] = 0x30;
  TIME[p + 10] = 0x5a; // Z
  return (TIME as unknown as Latin1).latin1Slice(0, p + 11);
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
