import type { ByteSource } from "./input/types.js";
import { unwrap } from "./input/unwrap.js";
import { selectParser } from "./parse/selectParser.js";
import type { ParseIssue, WinEvent } from "./parse/types.js";

/** The events of one input, with what was found out about its content. */
export interface SourceEvents {
  /** The parser's format (`xml`, `json`, `evtx`, `empty`). */
  readonly format: string;
  /** Wrappers removed around the content, outermost first (`gzip`, `zip`, ...). */
  readonly wrappers: readonly string[];
  /** Every event in full (no `ParseInterest`); read it once. */
  readonly events: AsyncIterable<WinEvent>;
}

/**
 * Wires the input and parse stages for one source: bytes -> unwrap -> the parser chosen by
 * content. Opening and format detection throw (`InputError`, `UnknownFormatError`); problems
 * with single records go to `onIssue`. The source is released when `events` ends or is left.
 */
export async function readEvents(
  source: ByteSource,
  options: { readonly onIssue: (issue: ParseIssue) => void },
): Promise<SourceEvents> {
  const raw = await source.open();
  const release = () => (raw as { destroy?: () => void }).destroy?.();
  try {
    const content = await unwrap(raw, source.uri);
    const parser = selectParser(content.head);
    async function* events(): AsyncIterable<WinEvent> {
      try {
        yield* parser.parse(content.stream, { onIssue: options.onIssue });
      } finally {
        release();
      }
    }
    return { format: parser.format, wrappers: content.wrappers, events: events() };
  } catch (err) {
    release();
    throw err;
  }
}
