/**
 * Sequential reads of exact byte counts from a chunked stream, for container formats whose
 * headers and bodies cross chunk boundaries (zip, tar). Bytes can be pushed back.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private done = false;
  /** Bytes handed out so far (for offsets in error messages). */
  position = 0;

  constructor(stream: AsyncIterable<Buffer>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** The next buffered or streamed chunk, or `undefined` at end of stream. */
  async chunk(): Promise<Buffer | undefined> {
    const head = this.pending.pop();
    if (head !== undefined) {
      this.position += head.length;
      return head;
    }
    if (this.done) return undefined;
    const r = await this.iterator.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    this.position += r.value.length;
    return r.value;
  }

  /** Puts bytes back in front of the stream (they are returned by the next read). */
  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.position -= bytes.length;
  }

  /** Exactly `n` bytes, or fewer only at end of stream. */
  async read(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < n) {
      const c = await this.chunk();
      if (c === undefined) break;
      const need = n - size;
      if (c.length > need) {
        parts.push(c.subarray(0, need));
        this.unshift(c.subarray(need));
        size = n;
      } else {
        parts.push(c);
        size += c.length;
      }
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
  }

  /** Streams the next `n` bytes in chunks; stops early only at end of stream. */
  async *take(n: number): AsyncIterable<Buffer> {
    let left = n;
    while (left > 0) {
      const c = await this.chunk();
      if (c === undefined) return;
      if (c.length > left) {
        this.unshift(c.subarray(left));
        yield c.subarray(0, left);
        return;
      }
      left -= c.length;
      yield c;
    }
  }

  /** Reads and drops everything left (so a producer upstream can finish). */
  async drain(): Promise<void> {
    while ((await this.chunk()) !== undefined) {
      // discard
    }
  }

  /** Ends the underlying iterator early (closes files and sockets behind it). */
  async close(): Promise<void> {
    this.pending = [];
    if (!this.done) {
      this.done = true;
      await this.iterator.return?.();
    }
  }
}
