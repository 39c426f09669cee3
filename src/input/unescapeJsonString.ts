const ESCAPES: Record<number, number> = {
  34: 0x22, // \"
  92: 0x5c, // \\
  47: 0x2f, // \/
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
};

/**
 * Streams the contents of one or more JSON string literals (`"<Event ...>\n..."`) as raw bytes:
 * the shape some Splunk attack_data files have. Text between literals is dropped; consecutive
 * literals are joined with a line break. Escapes split across chunks are handled.
 */
export async function* unescapeJsonString(stream: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let inString = false;
  let carry: Buffer | undefined;
  let high = 0; // pending high surrogate from a \uD8xx escape
  for await (const chunk of stream) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    carry = undefined;
    const out: Buffer[] = [];
    let i = 0;
    while (i < buf.length) {
      if (!inString) {
        const q = buf.indexOf(0x22, i);
        if (q === -1) break;
        inString = true;
        i = q + 1;
        continue;
      }
      const bs = buf.indexOf(0x5c, i);
      const q = buf.indexOf(0x22, i);
      const stop = q !== -1 && (bs === -1 || q < bs) ? q : bs;
      if (stop === -1) {
        out.push(buf.subarray(i));
        i = buf.length;
        break;
      }
      if (stop > i) out.push(buf.subarray(i, stop));
      if (stop === q) {
        inString = false;
        out.push(Buffer.from([0x0a]));
        i = q + 1;
        continue;
      }
      // Backslash escape at `stop`.
      if (stop + 1 >= buf.length) {
        carry = Buffer.from(buf.subarray(stop));
        i = buf.length;
        break;
      }
      const e = buf[stop + 1] as number;
      if (e === 0x75 /* u */) {
        if (stop + 6 > buf.length) {
          carry = Buffer.from(buf.subarray(stop));
          i = buf.length;
          break;
        }
        const code = Number.parseInt(buf.toString("latin1", stop + 2, stop + 6), 16);
        if (code >= 0xd800 && code <= 0xdbff) {
          high = code;
        } else if (code >= 0xdc00 && code <= 0xdfff && high !== 0) {
          out.push(Buffer.from(String.fromCharCode(high, code), "utf8"));
          high = 0;
        } else {
          out.push(Buffer.from(String.fromCharCode(Number.isNaN(code) ? 0xfffd : code), "utf8"));
        }
        i = stop + 6;
      } else {
        const mapped = ESCAPES[e];
        out.push(Buffer.from([mapped ?? e]));
        i = stop + 2;
      }
    }
    if (out.length > 0) yield out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }
}
