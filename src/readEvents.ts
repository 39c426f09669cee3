import type { ByteSource } from "./input/types.js";
import { unwrapParts } from "./input/unwrap.js";
import type { Format } from "./parse/selectParser.js";
import type { ParseIssue, WinEvent } from "./parse/types.js";
import { formatOf, partEvents } from "./readParts.js";

/** The events of one input, with what was found out about its content. */
export interface SourceEvents {
  /** The parser's format (`xml`, `json`, `evtx`, `empty`; `evtx+xml` for a mixed archive), as read so far. */
  readonly format: string;
  /** Wrappers removed around the content (an archive's: around its first member), outermost first. */
  readonly wrappers: readonly string[];
  /** Every event in full (no `ParseInterest`), an archive's members one after the other; read it once. */
  readonly events: AsyncIterable<WinEvent>;
}

/**
 * Wires the input and parse stages for one source: bytes -> unwrap -> the parser chosen by
 * content (for each member of an archive). Opening and format detection of the first part
 * throw (`InputError`, `UnknownFormatError`); problems with single records go to `onIssue`. The
 * source is released when `events` ends or is left. `format` is complete once `events` ended.
 */
export async function readEvents(
  source: ByteSource,
  options: { readonly onIssue: (issue: ParseIssue) => void },
): Promise<SourceEvents> {
  const raw = await source.open();
  const release = () => (raw as { destroy?: () => void }).destroy?.();
  try {
    const parts = unwrapParts(raw, source.uri)[Symbol.asyncIterator]();
    const first = await parts.next();
    const formats = new Set<Format>();
    const partOptions = { onIssue: options.onIssue, formats };
    // The first part's format is chosen now, so an unreadable input throws here.
    const firstEvents = first.done ? undefined : partEvents(first.value, 1, partOptions);
    async function* events(): AsyncIterable<WinEvent> {
      try {
        if (firstEvents === undefined) return;
        yield* firstEvents;
        let ordinal = 1;
        for (let next = await parts.next(); !next.done; next = await parts.next())
          yield* partEvents(next.value, ++ordinal, partOptions);
      } finally {
        release();
      }
    }
    return {
      get format() {
        return formatOf(formats);
      },
      wrappers: first.done ? [] : first.value.wrappers,
      events: events(),
    };
  } catch (err) {
    release();
    throw err;
  }
}
