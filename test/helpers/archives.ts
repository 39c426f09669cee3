import { crc32, deflateRawSync } from "node:zlib";

/** A zip member to write; every option is a way real writers lay members out. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer | string;
  /** Deflate (default) or store. */
  readonly method?: "deflate" | "store";
  /** Sizes and CRC after the data in a signed data descriptor (streaming writers). */
  readonly descriptor?: boolean;
  /** Sizes in a ZIP64 extra field (and a 24-byte descriptor). */
  readonly zip64?: boolean;
  /** Overrides: a wrong CRC, a general-purpose flag (e.g. encryption), a method number. */
  readonly crc?: number;
  readonly flags?: number;
  readonly methodNumber?: number;
}

/** Writes a zip archive front to back, with a central directory (that the reader ignores). */
export function makeZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const plain = Buffer.from(e.data);
    const stored = e.method === "store";
    const body = stored ? plain : deflateRawSync(plain);
    const crc = e.crc ?? crc32(plain);
    const name = Buffer.from(e.name, "utf8");
    const flags = (e.flags ?? 0) | 0x800 | (e.descriptor ? 0x8 : 0);
    const method = e.methodNumber ?? (stored ? 0 : 8);
    const extra = e.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (e.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(e.descriptor ? 0n : BigInt(plain.length), 4);
      extra.writeBigUInt64LE(e.descriptor ? 0n : BigInt(body.length), 12);
    }
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(e.zip64 ? 45 : 20, 4);
    h.writeUInt16LE(flags, 6);
    h.writeUInt16LE(method, 8);
    h.writeUInt32LE(e.descriptor ? 0 : crc, 14);
    const size32 = (n: number) => (e.zip64 ? 0xffffffff : e.descriptor ? 0 : n);
    h.writeUInt32LE(size32(body.length), 18);
    h.writeUInt32LE(size32(plain.length), 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(extra.length, 28);
    parts.push(h, name, extra, body);
    let dd = Buffer.alloc(0);
    if (e.descriptor) {
      dd = Buffer.alloc(e.zip64 ? 24 : 16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      if (e.zip64) {
        dd.writeBigUInt64LE(BigInt(body.length), 8);
        dd.writeBigUInt64LE(BigInt(plain.length), 16);
      } else {
        dd.writeUInt32LE(body.length, 8);
        dd.writeUInt32LE(plain.length, 12);
      }
      parts.push(dd);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(plain.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += h.length + name.length + extra.length + body.length + dd.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** A tar member: a regular file unless `type` says otherwise (`5` directory, `2` symlink). */
export interface TarEntry {
  readonly name: string;
  readonly data?: Buffer | string;
  readonly type?: string;
  /** Write the name as a PAX `path` record (`x` header) or a GNU long-name (`L`) block. */
  readonly longName?: "pax" | "gnu";
}

function tarHeader(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 99), 0, "utf8");
  h.write("0000644\0", 100, "latin1");
  h.write("0000000\0", 108, "latin1");
  h.write("0000000\0", 116, "latin1");
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  h.write("00000000000\0", 136, "latin1");
  h.write(type, 156, "latin1");
  h.write("ustar\0", 257, "latin1");
  h.write("00", 263, "latin1");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return h;
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

/** Writes a ustar archive, ending with the two zero blocks. */
export function makeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? "");
    if (e.longName === "pax") {
      const rec = (len: number) => `${len} path=${e.name}\n`;
      let len = rec(0).length;
      while (rec(len).length !== len) len = rec(len).length;
      const body = Buffer.from(rec(len));
      parts.push(tarHeader("PaxHeader", body.length, "x"), padded(body));
    } else if (e.longName === "gnu") {
      const body = Buffer.from(`${e.name}\0`);
      parts.push(tarHeader("././@LongLink", body.length, "L"), padded(body));
    }
    parts.push(tarHeader(e.name, data.length, e.type ?? "0"), padded(data));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
