import type { ParseIssue, ParseOptions, WinEvent } from "../types.js";
import { JsonSplitter, type JsonText } from "./JsonSplitter.js";
import { jsonToEvent } from "./jsonToEvent.js";

/**
 * Windows events as JSON, from a byte stream: `evtx_dump` output (`{"Event": ...}`, pretty or
 * one a line, concatenated, or in a top-level array), the flattened nxlog / OTRF form and
 * Winlogbeat documents, mixed freely. Keeps at most one unfinished value in memory. A value
 * that is not JSON, or not an event, is reported through `onIssue` and reading goes on.
 * `position.line` is the value's first line, `position.record` its `EventRecordID` if any.
 */
export async function* parseJsonEvents(
  stream: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncIterable<WinEvent> {
  const splitter = new JsonSplitter();
  // Events of ids no rule can use are yielded header-only (`partial`); see `ParseInterest`.
  const ids = options.interest?.eventIds;
  const wanted = ids === undefined ? undefined : (id: number) => ids.has(id);
  // A value at a line `at` rejects is dropped unparsed (see `ParseInterest.at`).
  const at = options.interest?.at;
  function* convert(items: (JsonText | ParseIssue)[]): Iterable<WinEvent> {
    for (const item of items) {
      if ("code" in item) {
        options.onIssue(item);
        continue;
      }
      if (at !== undefined && !at({ line: item.line })) continue;
      const result = jsonToEvent(item, wanted);
      if ("eventId" in result) yield result;
      else options.onIssue({ ...result, offset: item.line });
    }
  }
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    yield* convert(splitter.push(buf));
  }
  yield* convert(splitter.end());
}
