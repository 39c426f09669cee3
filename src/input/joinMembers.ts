import type { ArchiveMember } from "./archiveTypes.js";
import type { Wrapper } from "./types.js";

const NEWLINE = Buffer.from("\n");

/** macOS metadata that archivers add beside each file (`__MACOSX/`, AppleDouble `._name`): not logs. */
const MAC_METADATA = /(^|\/)(__MACOSX\/|\._[^/]*$)/;

/** A member's content once its own wrappers (gzip, BOM, ...) are removed. */
export interface UnwrappedMember {
  readonly stream: AsyncIterable<Buffer>;
  readonly wrappers: readonly Wrapper[];
}

/**
 * Reads an archive's members as one stream of content: each member is unwrapped on its own (so
 * a zip may hold `.json.gz` files), and a line break is put between two members when the first
 * does not end with one, so that the last line of one file never runs into the next. macOS
 * metadata members are skipped. The wrappers found inside the first member are appended to
 * `innerWrappers`.
 */
export async function* joinMembers(
  members: AsyncIterable<ArchiveMember>,
  unwrapMember: (member: ArchiveMember) => Promise<UnwrappedMember>,
  innerWrappers: Wrapper[],
): AsyncIterable<Buffer> {
  let first = true;
  let endsWithNewline = true;
  for await (const member of members) {
    if (MAC_METADATA.test(member.name)) continue;
    const content = await unwrapMember(member);
    if (first) {
      innerWrappers.push(...content.wrappers);
      first = false;
    }
    let started = false;
    for await (const chunk of content.stream) {
      if (chunk.length === 0) continue;
      if (!started && !endsWithNewline) yield NEWLINE;
      started = true;
      endsWithNewline = chunk[chunk.length - 1] === 0x0a;
      yield chunk;
    }
  }
}
