import type { ContentPart } from "./input/unwrap.js";
import { UnknownFormatError } from "./parse/errors.js";
import { FORMATS, type Format, selectParser } from "./parse/selectParser.js";
import type { ParseIssue, Parser, WinEvent } from "./parse/types.js";

/** How one part of an input (the whole input, or an archive member) is to be read. */
export interface PartReader {
  readonly format: Format;
  readonly parse: Parser;
  /** Issues of this part, named after the member in an archive. */
  readonly onIssue: (issue: ParseIssue) => void;
  /** In an archive: the member's path and ordinal, to put in each event's position. */
  readonly member?: { readonly path: string; readonly part: number };
}

/**
 * Chooses the parser of one part by its content. A plain input of unknown format throws
 * `UnknownFormatError` (the input cannot be read); an archive member of unknown format (a
 * README, a picture beside the logs) is reported as an `unknown-member-format` error issue and
 * skipped (`undefined`), and the archive's other members are read.
 */
export function partReader(
  part: ContentPart,
  ordinal: number,
  onIssue: (issue: ParseIssue) => void,
): PartReader | undefined {
  const path = part.member;
  let chosen: ReturnType<typeof selectParser>;
  try {
    chosen = selectParser(part.head);
  } catch (err) {
    if (path === undefined || !(err instanceof UnknownFormatError)) throw err;
    onIssue({
      code: "unknown-member-format",
      message: `${path}: ${err.message}; member skipped`,
      offset: 0,
      severity: "error",
    });
    return undefined;
  }
  if (path === undefined) return { ...chosen, onIssue };
  return {
    ...chosen,
    onIssue: (issue) => onIssue({ ...issue, message: `${path}: ${issue.message}` }),
    member: { path, part: ordinal },
  };
}

/** `event` with its position placed in an archive member (see `EventPosition.member`). */
export function inMember(event: WinEvent, member: NonNullable<PartReader["member"]>): WinEvent {
  return { ...event, position: { ...event.position, member: member.path, part: member.part } };
}

/**
 * The format of an input from those of its parts: one name, or several joined with `+` in
 * order of appearance (`evtx+xml`); empty members count only when nothing else was read.
 */
export function formatOf(formats: ReadonlySet<Format>): string {
  const read = [...formats].filter((f) => f !== FORMATS.empty);
  if (read.length > 0) return read.join("+");
  return formats.size > 0 ? FORMATS.empty : "unknown";
}

/** Reads a skipped part to its end, so that its decompression and the archive finish cleanly. */
export async function discard(part: ContentPart): Promise<void> {
  for await (const _ of part.stream) {
    // nothing to keep
  }
}
