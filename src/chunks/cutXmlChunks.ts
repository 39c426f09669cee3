import {
  EVENT_CLOSE as EVENT_END,
  EVENT_OPEN as EVENT_START,
  endsEventName,
  XML_LIMITS,
} from "../parse/xmlEventText.js";

/** A piece of an XML input that a worker parses on its own (see `ParseOptions.piece`). */
export interface XmlChunk {
  readonly bytes: Uint8Array;
  /** The line number of its first byte. */
  readonly line: number;
  /** Whether the input goes on after it (with the start of an event). */
  readonly continues: boolean;
  /** Set on the last piece when reading the input failed after it (see `ParseOptions.piece`). */
  readonly brokenOff?: boolean;
  /** Set when it starts inside an event too large to read (see `ParseOptions.piece`). */
  readonly inTooLarge?: boolean;
}

/** How large pieces are; see `cutXmlChunks`. */
export const CHUNK_BYTES = {
  /** A piece is cut at the first event start found at or before this many bytes. */
  target: 4 * 1024 * 1024,
  /**
   * With no line that starts an event by then, a piece is cut before any event start, even in
   * the middle of a line; with none at all, see `cutWithoutStart`.
   */
  max: 64 * 1024 * 1024,
} as const;

const EVENT_OPEN = Buffer.from(EVENT_START, "latin1");
const EVENT_CLOSE = Buffer.from(EVENT_END, "latin1");
/** Bytes left for the next piece when one is cut inside an event: a tag there stays whole. */
const TAG_TAIL = EVENT_CLOSE.length - 1;
/** Bytes held before an event open since the first is known too large to read (see `XML_LIMITS`). */
const TOO_LARGE = XML_LIMITS.maxEventChars + TAG_TAIL + 1;

/**
 * Where to cut `buf` so that the second piece starts an event: just after the last line break
 * followed by `<Event`, or (`anywhere`) before the last `<Event` start tag; -1 when none.
 * Never at 0: a piece holds something.
 */
function cutPoint(buf: Buffer, anywhere: boolean): number {
  for (let at = buf.lastIndexOf(EVENT_OPEN); at > 0; at = buf.lastIndexOf(EVENT_OPEN, at - 1)) {
    // past the end, the next byte is unknown: not a cut
    if (!endsEventName(buf[at + EVENT_OPEN.length])) continue;
    if (anywhere || buf[at - 1] === 10) return at;
  }
  return -1;
}

/**
 * Where to cut `buf`, held up to `max` bytes with no event start but at 0 (see `cutPoint`), and
 * whether the next piece starts inside an event too large to read. Inside an event open since
 * the first byte (`inTooLarge`: since before it) with no end tag: a parser of the whole input
 * drops it as too large, so the cut is anywhere (before the last `TAG_TAIL` bytes) and the next
 * piece skips the rest of it; when it may still fit, -1: not cut. Else after the last line
 * break, and not before the end tag of that event; with none, at the end.
 */
function cutWithoutStart(
  buf: Buffer,
  inTooLarge: boolean,
): { readonly cut: number; readonly inTooLarge: boolean } {
  const close = buf.indexOf(EVENT_CLOSE);
  const open =
    inTooLarge || (buf.indexOf(EVENT_OPEN) === 0 && endsEventName(buf[EVENT_OPEN.length]));
  if (!open || close !== -1) {
    const after = close === -1 ? 0 : close + EVENT_CLOSE.length;
    return { cut: Math.max(buf.lastIndexOf(10) + 1, after) || buf.length, inTooLarge: false };
  }
  if (inTooLarge || buf.length >= TOO_LARGE)
    return { cut: buf.length - TAG_TAIL, inTooLarge: true };
  return { cut: -1, inTooLarge };
}

function countLines(buf: Uint8Array): number {
  let n = 0;
  for (let at = buf.indexOf(10); at !== -1; at = buf.indexOf(10, at + 1)) n++;
  return n;
}

/** `parts` joined in a buffer of its own (never a slice of Node's shared pool: it is transferred). */
function joined(parts: readonly Uint8Array[], bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Cuts the bytes of an XML event log into pieces of about `target` bytes, each but the first
 * starting with an `<Event` start tag, so that each can be parsed on its own and yields the
 * events, positions and issues a parser of the whole input would. Every byte is in exactly one
 * piece, in order, and each piece has a buffer of its own (to be transferred to a worker).
 * When reading `stream` fails, the bytes read before are yielded as a last piece marked
 * `brokenOff`, then the error is thrown: a parser of the pieces keeps what one of the whole
 * input keeps up to that error. Memory: about one piece and the bytes after its cut.
 */
export async function* cutXmlChunks(
  stream: AsyncIterable<Uint8Array>,
  sizes: { readonly target: number; readonly max: number } = CHUNK_BYTES,
): AsyncIterable<XmlChunk> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let line = 1;
  // bytes held before the next try at a cut (doubled after a failed one: no quadratic copying)
  let tryAt = sizes.target;
  let failed: { readonly error: unknown } | undefined;
  // whether the held bytes start inside an event too large to read
  let inTooLarge = false;
  try {
    for await (const chunk of stream) {
      held.push(chunk);
      heldBytes += chunk.byteLength;
      if (heldBytes < tryAt) continue;
      const buf = joined(held, heldBytes);
      const big = buf.length >= sizes.max;
      let cut = cutPoint(buf, big);
      const continues = cut !== -1;
      const starts = inTooLarge ? { inTooLarge } : {};
      if (cut !== -1) inTooLarge = false;
      else if (big) ({ cut, inTooLarge } = cutWithoutStart(buf, inTooLarge));
      if (cut === -1) {
        held = [buf];
        tryAt = Math.min(heldBytes * 2, big ? TOO_LARGE : sizes.max);
        continue;
      }
      // copied out: the piece's buffer is transferred whole
      const rest = Buffer.from(buf.subarray(cut));
      held = rest.length > 0 ? [rest] : [];
      heldBytes = rest.length;
      tryAt = sizes.target;
      const bytes = new Uint8Array(buf.buffer, 0, cut);
      const first = line;
      // counted before the piece is handed on: the receiver may transfer its buffer
      line += countLines(bytes);
      yield { bytes, line: first, continues, ...starts };
    }
  } catch (error) {
    // only reading throws here (cutting does not): what was read is still a piece
    failed = { error };
  }
  const brokenOff = failed === undefined ? {} : { brokenOff: true };
  const starts = inTooLarge ? { inTooLarge } : {};
  if (heldBytes > 0)
    yield { bytes: joined(held, heldBytes), line, continues: false, ...brokenOff, ...starts };
  if (failed !== undefined) throw failed.error;
}
