/** Bytes read ahead of a stream, and the same stream with those bytes put back in front. */
export interface Peeked {
  readonly head: Buffer;
  readonly stream: AsyncIterable<Buffer>;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Reads at least `n` bytes (fewer only at end of stream) without losing any of them. */
export async function peek(stream: AsyncIterable<Uint8Array | string>, n: number): Promise<Peeked> {
  const iterator = stream[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = toBuffer(r.value);
    taken.push(b);
    size += b.length;
  }
  const head = taken.length === 1 ? (taken[0] as Buffer) : Buffer.concat(taken);
  async function* rest(): AsyncIterable<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  }
  return { head, stream: rest() };
}
