import { ARCHIVE_LIMITS, type ArchiveMember } from "./archiveTypes.js";
import { ByteReader } from "./ByteReader.js";
import { InputError } from "./errors.js";

const BLOCK = 512;
/** `typeflag` values (ASCII) of the entries read or interpreted; others are skipped. */
const TYPE = {
  file: 0x30, // '0'
  oldFile: 0x00,
  contiguous: 0x37, // '7'
  pax: 0x78, // 'x'
  gnuLongName: 0x4c, // 'L'
} as const;

/** A numeric header field: octal text, or GNU base-256 when the first byte has its high bit set. */
function numberField(h: Buffer, at: number, len: number): number {
  if ((h[at] as number) & 0x80) {
    let n = (h[at] as number) & 0x7f;
    for (let i = at + 1; i < at + len; i++) n = n * 256 + (h[i] as number);
    return n;
  }
  const text = h
    .toString("latin1", at, at + len)
    .replace(/[\0 ]+$/, "")
    .trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

function stringField(h: Buffer, at: number, len: number): string {
  const end = h.indexOf(0, at);
  return h.toString("utf8", at, end === -1 || end > at + len ? at + len : end);
}

/** The header checksum: the byte sum with the checksum field itself counted as spaces. */
function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
  return sum === numberField(h, 148, 8);
}

/** PAX records: `"<len> <key>=<value>\n"` repeated. */
function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp === -1) break;
    const len = Number.parseInt(body.toString("latin1", i, sp), 10);
    if (!Number.isInteger(len) || len <= 0) break;
    const record = body.toString("utf8", sp + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (eq !== -1) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

async function skip(reader: ByteReader, n: number): Promise<void> {
  for await (const _ of reader.take(n)) {
    // discard
  }
}

async function readMeta(reader: ByteReader, size: number, uri: string): Promise<Buffer> {
  if (size > ARCHIVE_LIMITS.maxMetaBytes) {
    throw new InputError(
      "corrupt-tar",
      uri,
      `tar metadata block of ${size} bytes is implausibly large`,
    );
  }
  const body = await reader.read(size);
  await skip(reader, padding(size));
  return body;
}

/**
 * The regular-file members of a POSIX (ustar/pax) or GNU tar stream, in order: PAX `path` and
 * `size` overrides and GNU long names are applied, links, directories and devices skipped.
 * Header checksums are verified; a mismatch or a truncated member throws `InputError`.
 */
export async function* tarMembers(
  stream: AsyncIterable<Buffer>,
  uri: string,
): AsyncIterable<ArchiveMember> {
  const reader = new ByteReader(stream);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  try {
    for (;;) {
      const at = reader.position;
      const h = await reader.read(BLOCK);
      if (h.length === 0) return;
      if (h.length < BLOCK)
        throw new InputError("corrupt-tar", uri, `tar ends inside a header at offset ${at}`);
      if (h.every((b) => b === 0)) {
        await reader.drain(); // end-of-archive blocks (and any trailing padding)
        return;
      }
      if (!checksumOk(h))
        throw new InputError("corrupt-tar", uri, `bad tar header checksum at offset ${at}`);
      const type = h[156] as number;
      let size = numberField(h, 124, 12);
      if (type === TYPE.pax) {
        pax = parsePax(await readMeta(reader, size, uri));
        continue;
      }
      if (type === TYPE.gnuLongName) {
        longName = stringField(await readMeta(reader, size, uri), 0, size);
        continue;
      }
      const prefix = h.toString("latin1", 257, 262) === "ustar" ? stringField(h, 345, 155) : "";
      const name =
        pax.path ?? longName ?? (prefix === "" ? "" : `${prefix}/`) + stringField(h, 0, 100);
      if (pax.size !== undefined) size = Number(pax.size);
      pax = {};
      longName = undefined;
      if (type !== TYPE.file && type !== TYPE.oldFile && type !== TYPE.contiguous) {
        await skip(reader, size + padding(size));
        continue;
      }
      let read = 0;
      let finished = false;
      const body = reader.take(size)[Symbol.asyncIterator]();
      const member: ArchiveMember = {
        name,
        data: {
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              const r = await body.next();
              if (r.done) {
                finished = true;
                if (read < size) {
                  throw new InputError("corrupt-tar", uri, `tar ends inside member ${name}`);
                }
              } else read += r.value.length;
              return r;
            },
          }),
        },
      };
      yield member;
      while (!finished) {
        const r = await body.next();
        if (r.done) finished = true;
        else read += r.value.length;
      }
      if (read < size) throw new InputError("corrupt-tar", uri, `tar ends inside member ${name}`);
      await skip(reader, padding(size));
    }
  } finally {
    await reader.close();
  }
}
