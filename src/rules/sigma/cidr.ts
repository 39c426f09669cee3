import { invalid } from "./errors.js";

/** An IPv4 address as a 32-bit number, or undefined when `text` is not one. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const octet = Number(p);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** An IPv6 address (with `::` and an optional dotted IPv4 tail, no zone) as a 128-bit bigint. */
function parseIpv6(text: string): bigint | undefined {
  const zone = text.indexOf("%");
  const addr = (zone === -1 ? text : text.slice(0, zone)).toLowerCase();
  if (!addr.includes(":")) return undefined;
  const halves = addr.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const items = s.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/.test(item)) out.push(Number.parseInt(item, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let n = 0n;
  for (const g of [...head, ...new Array<number>(missing).fill(0), ...tail])
    n = (n << 16n) | BigInt(g);
  return n;
}

/**
 * Compiles `cidr` (`10.0.0.0/8`, `fe80::/10`, or a single address) into a test of an
 * address field; values that are not addresses of the same family never match.
 */
export function compileCidr(text: string): (value: string) => boolean {
  const slash = text.indexOf("/");
  const addr = (slash === -1 ? text : text.slice(0, slash)).trim();
  const bitsText = slash === -1 ? undefined : text.slice(slash + 1).trim();
  const v4 = parseIpv4(addr);
  if (v4 !== undefined) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > 32)
      throw invalid(`bad CIDR prefix length: ${text}`);
    const size = 2 ** (32 - bits);
    const base = v4 - (v4 % size);
    return (value) => {
      const n = parseIpv4(value.trim());
      return n !== undefined && n >= base && n < base + size;
    };
  }
  const v6 = parseIpv6(addr);
  if (v6 === undefined) throw invalid(`not a CIDR network: ${text}`);
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 128)
    throw invalid(`bad CIDR prefix length: ${text}`);
  const shift = BigInt(128 - bits);
  const prefix = v6 >> shift;
  return (value) => {
    const n = value.includes(":") ? parseIpv6(value.trim()) : undefined;
    return n !== undefined && n >> shift === prefix;
  };
}
