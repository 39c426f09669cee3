import type { ContentPart } from "./unwrap.js";

const NEWLINE = Buffer.from("\n");

/**
 * The contents of `first` and of the parts after it as one stream, with a line break put
 * between two parts when the first does not end with one, so that the last line of one file
 * never runs into the next. Only for text: binary formats cannot be joined.
 */
export async function* joinParts(
  first: ContentPart,
  rest: AsyncIterator<ContentPart>,
): AsyncIterable<Buffer> {
  let endsWithNewline = true;
  for (let part: ContentPart | undefined = first; part !== undefined; ) {
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
