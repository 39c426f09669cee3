import type { ContentPart } from "./input/unwrap.js";
import { UnknownFormatError } from "./parse/errors.js";
import { FORMATS, type Format, selectParser } from "./parse/selectParser.js";
import type { EventPosition, ParseInterest, ParseOptions, WinEvent } from "./parse/types.js";

/** `ParseOptions` plus, when given, the set each part's format is added to (see `formatOf`). */
interface PartOptions extends ParseOptions {
  readonly formats?: Set<Format>;
}

/**
 * The events of one part of an input (the whole input, or an archive member), read by the
 * parser its content calls for; its format is added to `options.formats` at once. A plain input
 * of unknown format throws `UnknownFormatError` (the input cannot be read); an archive member of
 * unknown format (a README, a picture beside the logs) is reported as an
 * `unknown-member-format` error issue, read to its end and yields nothing, so the archive's
 * other members are read. A member's events carry its path and ordinal in their position, and
 * its issues name it.
 */
export function partEvents(
  part: ContentPart,
  ordinal: number,
  options: PartOptions,
): AsyncIterable<WinEvent> {
  const { formats, ...parseOptions } = options;
  const path = part.member;
  let chosen: ReturnType<typeof selectParser>;
  try {
    chosen = selectParser(part.head);
  } catch (err) {
    if (path === undefined || !(err instanceof UnknownFormatError)) throw err;
    options.onIssue({
      code: "unknown-member-format",
      message: `${path}: ${err.message}; member skipped`,
      offset: 0,
      severity: "error",
    });
    return discard(part);
  }
  formats?.add(chosen.format);
  // A plain input gets its parser's events as they are: no extra layer in the scan loop.
  if (path === undefined) return chosen.parse(part.stream, parseOptions);
  const member = { member: path, part: ordinal };
  const interest = memberInterest(parseOptions.interest, member);
  const events = chosen.parse(part.stream, {
    ...parseOptions,
    onIssue: (issue) => options.onIssue({ ...issue, message: `${path}: ${issue.message}` }),
    ...(interest === undefined ? {} : { interest }),
  });
  return inMember(events, member);
}

/** `interest` whose `at` is asked about positions as the member's events will have them. */
function memberInterest(
  interest: ParseInterest | undefined,
  member: Required<Pick<EventPosition, "member" | "part">>,
): ParseInterest | undefined {
  const at = interest?.at;
  if (interest === undefined || at === undefined) return interest;
  return { ...interest, at: (p) => at({ ...p, ...member }) };
}

/** Events placed in an archive member (see `EventPosition.member`). */
async function* inMember(
  events: AsyncIterable<WinEvent>,
  member: Required<Pick<EventPosition, "member" | "part">>,
): AsyncIterable<WinEvent> {
  for await (const e of events) yield { ...e, position: { ...e.position, ...member } };
}

/** A skipped part: no events, but read to its end so its decompression and the archive finish. */
async function* discard(part: ContentPart): AsyncIterable<WinEvent> {
  for await (const _ of part.stream) {
    // nothing to keep
  }
  yield* [];
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
