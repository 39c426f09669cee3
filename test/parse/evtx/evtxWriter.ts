// Writes small, valid EVTX files byte by byte, for cases the real samples lack (UserData,
// every value type, arrays, template-less BinXml). Test helper; follows the layout in
// src/parse/evtx/layout.ts.
import { crc32 } from "node:zlib";

/** A substitution value: its type byte and its bytes. */
export interface Value {
  readonly type: number;
  readonly bytes: Buffer;
}

export const v = {
  wstr: (s: string): Value => ({ type: 0x01, bytes: Buffer.from(`${s}\0`, "utf16le") }),
  ansi: (s: string): Value => ({ type: 0x02, bytes: Buffer.from(s, "latin1") }),
  int: (type: number, size: number, n: number | bigint): Value => {
    const b = Buffer.alloc(size);
    if (size === 8) b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(n)));
    else b.writeUIntLE(Number(BigInt.asUintN(size * 8, BigInt(n))), 0, size);
    return { type, bytes: b };
  },
  raw: (type: number, bytes: Buffer): Value => ({ type, bytes }),
  nul: (): Value => ({ type: 0x00, bytes: Buffer.alloc(0) }),
  guid: (text: string): Value => {
    const h = text.replace(/[{}-]/g, "");
    const b = Buffer.from(h, "hex");
    b.writeUInt32LE(Number.parseInt(h.slice(0, 8), 16), 0);
    b.writeUInt16LE(Number.parseInt(h.slice(8, 12), 16), 4);
    b.writeUInt16LE(Number.parseInt(h.slice(12, 16), 16), 6);
    return { type: 0x0f, bytes: b };
  },
  sid: (text: string): Value => {
    const [, rev, auth, ...subs] = text.split("-").map(Number);
    const b = Buffer.alloc(8 + 4 * subs.length);
    b[0] = rev as number;
    b[1] = subs.length;
    b.writeUIntBE(auth as number, 2, 6);
    subs.forEach((s, i) => {
      b.writeUInt32LE(s as number, 8 + 4 * i);
    });
    return { type: 0x13, bytes: b };
  },
  filetime: (iso: string, extraTicks = 0): Value => {
    const ticks = BigInt(Date.parse(iso)) * 10000n + 116444736000000000n + BigInt(extraTicks);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(ticks);
    return { type: 0x11, bytes: b };
  },
};

/** BinXml tokens into a byte list that knows its final chunk offset (names are written inline). */
export class BinXml {
  readonly bytes: number[] = [];

  constructor(
    private readonly base: number,
    private readonly dependencyIds: boolean,
  ) {}

  get pos(): number {
    return this.base + this.bytes.length;
  }

  u8(n: number): this {
    this.bytes.push(n & 0xff);
    return this;
  }
  u16(n: number): this {
    return this.u8(n).u8(n >> 8);
  }
  u32(n: number): this {
    return this.u16(n & 0xffff).u16(n >>> 16);
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private name(name: string): this {
    this.u32(this.pos + 4); // the name follows inline
    this.u32(0).u16(0).u16(name.length);
    return this.raw(Buffer.from(name, "utf16le")).u16(0);
  }
  fragment(): this {
    return this.u8(0x0f).u8(1).u8(1).u8(0);
  }
  open(name: string, hasAttrs = false): this {
    this.u8(hasAttrs ? 0x41 : 0x01);
    if (this.dependencyIds) this.u16(0xffff);
    this.u32(0).name(name);
    return hasAttrs ? this.u32(0) : this;
  }
  attr(name: string): this {
    return this.u8(0x06).name(name);
  }
  closeStart(): this {
    return this.u8(0x02);
  }
  closeEmpty(): this {
    return this.u8(0x03);
  }
  end(): this {
    return this.u8(0x04);
  }
  eof(): this {
    return this.u8(0x00);
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).raw(Buffer.from(s, "utf16le"));
  }
  entity(name: string): this {
    return this.u8(0x09).name(name);
  }
  charRef(code: number): this {
    return this.u8(0x08).u16(code);
  }
  cdata(s: string): this {
    return this.u8(0x07).u16(s.length).raw(Buffer.from(s, "utf16le"));
  }
  sub(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d)
      .u16(index)
      .u8(type);
  }
  /** `<name>%index</name>` */
  dataElement(name: string, index: number, type: number): this {
    return this.open("Data", true).attr("Name").text(name).closeStart().sub(index, type).end();
  }
  /**
   * A template instance: the definition inline (written by `body` with dependency ids) on first
   * use, by offset after; then the substitution array.
   */
  instance(defs: Map<string, number>, key: string, body: (t: BinXml) => void, values: Sub[]): this {
    this.u8(0x0c).u8(1).u32(0x1234);
    const known = defs.get(key);
    if (known !== undefined) {
      this.u32(known);
    } else {
      const at = this.pos + 4;
      defs.set(key, at);
      this.u32(at);
      const def = new BinXml(at + 24, true);
      body(def);
      const guid = Buffer.alloc(16, key.length);
      guid.write(key.slice(0, 16), "latin1");
      this.u32(0).raw(guid).u32(def.bytes.length).raw(Buffer.from(def.bytes));
    }
    // Sizes first (a nested value's size does not depend on where it lands), then the values.
    const trial = new Map(defs);
    const sizes = values.map((x) => (typeof x === "function" ? x.size(trial) : x.bytes.length));
    this.u32(values.length);
    values.forEach((x, i) => {
      const type = typeof x === "function" ? 0x21 : x.type;
      this.u16(sizes[i] as number)
        .u8(type)
        .u8(0);
    });
    for (const x of values) this.raw((typeof x === "function" ? x(this.pos, defs) : x).bytes);
    return this;
  }
}

/** A nested BinXml value, written once its chunk offset is known; its size does not depend on it. */
export interface NestedValue {
  (base: number, defs: Map<string, number>): Value;
  size(defs: Map<string, number>): number;
}

/** A substitution: a value, or a nested BinXml value. */
export type Sub = Value | NestedValue;

/** Depth of size-only writing: nested values inside it only need their (cached) size. */
let sizing = 0;

/** A nested BinXml value (type 0x21): `write` gets a direct (no dependency id) stream. */
export function nested(write: (x: BinXml, defs: Map<string, number>) => void): NestedValue {
  let size: number | undefined;
  const value = (base: number, defs: Map<string, number>): Value => {
    if (sizing > 0 && size !== undefined) return { type: 0x21, bytes: Buffer.alloc(size) };
    const x = new BinXml(base, false);
    write(x, defs);
    size ??= x.bytes.length;
    return { type: 0x21, bytes: Buffer.from(x.bytes) };
  };
  // Sizes are asked before values are written; sized once, without writing inner values twice.
  value.size = (defs: Map<string, number>): number => {
    if (size !== undefined) return size;
    sizing++;
    try {
      return value(0, defs).bytes.length;
    } finally {
      sizing--;
    }
  };
  return value;
}

/**
 * One chunk of records; `write(record, chunkOffsetOfBinXml)` writes each record's BinXml.
 * Returns a whole EVTX file (header + the chunk), checksums set.
 */
export function evtxFile(records: ((at: number) => BinXml)[], firstId = 1): Buffer {
  const chunk = Buffer.alloc(65536);
  chunk.write("ElfChnk\0", 0, "latin1");
  let p = 512;
  let last = 512;
  records.forEach((make, i) => {
    const body = make(p + 24);
    const size = 24 + body.bytes.length + 4;
    chunk.writeUInt32LE(0x2a2a, p);
    chunk.writeUInt32LE(size, p + 4);
    chunk.writeBigUInt64LE(BigInt(firstId + i), p + 8);
    Buffer.from(body.bytes).copy(chunk, p + 24);
    chunk.writeUInt32LE(size, p + size - 4);
    last = p;
    p += size;
  });
  chunk.writeBigUInt64LE(1n, 8);
  chunk.writeBigUInt64LE(BigInt(records.length), 16);
  chunk.writeBigUInt64LE(BigInt(firstId), 24);
  chunk.writeBigUInt64LE(BigInt(firstId + records.length - 1), 32);
  chunk.writeUInt32LE(128, 40);
  chunk.writeUInt32LE(last, 44);
  chunk.writeUInt32LE(p, 48);
  chunk.writeUInt32LE(crc32(chunk.subarray(512, p)), 52);
  chunk.writeUInt32LE(
    crc32(Buffer.concat([chunk.subarray(0, 120), chunk.subarray(128, 512)])),
    124,
  );
  const header = Buffer.alloc(4096);
  header.write("ElfFile\0", 0, "latin1");
  header.writeBigUInt64LE(BigInt(firstId + records.length), 24);
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36);
  header.writeUInt16LE(3, 38);
  header.writeUInt16LE(4096, 40);
  header.writeUInt16LE(1, 42);
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  return Buffer.concat([header, chunk]);
}
