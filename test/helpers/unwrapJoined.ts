import { peek } from "../../src/input/peek.js";
import type { Wrapper } from "../../src/input/types.js";
import { type ContentPart, HEAD_BYTES, unwrapParts } from "../../src/input/unwrap.js";

const NEWLINE = Buffer.from("\n");

/** The content as one byte stream (an archive's members joined). */
export interface Unwrapped {
  readonly stream: AsyncIterable<Buffer>;
  /** The first bytes of the content. */
  readonly head: Buffer;
  /** Wrappers of the content, or of an archive's first member, outermost first. */
  readonly wrappers: readonly Wrapper[];
}

/**
 * `unwrapParts` as one text stream, for tests that check the bytes of every part in order: a
 * line break is put between two parts when the first does not end with one. (The product
 * parses the parts one by one: binary formats cannot be joined.)
 */
export async function unwrap(input: AsyncIterable<Uint8Array>, uri: string): Promise<Unwrapped> {
  const parts = unwrapParts(input, uri)[Symbol.asyncIterator]();
  const first = await parts.next();
  if (first.done) return { stream: joined(undefined, parts), head: Buffer.alloc(0), wrappers: [] };
  const { head, stream } = await peek(joined(first.value, parts), HEAD_BYTES);
  return { stream, head, wrappers: first.value.wrappers };
}

async function* joined(
  first: ContentPart | undefined,
  rest: AsyncIterator<ContentPart>,
): AsyncIterable<Buffer> {
  let endsWithNewline = true;
  for (let part = first; part !== undefined; ) {
    let started = false;
    for await (const chunk of part.stream) {
      if (chunk.length === 0) continue;
      if (!started && !endsWithNewline) yield NEWLINE;
      started = true;
      endsWithNewline = chunk[chunk.length - 1] === 0x0a;
      yield chunk;
    }
    const next = await rest.next();
    part = next.done ? undefined : next.value;
  }
}
