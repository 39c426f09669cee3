import { readTree } from "./binxml.js";
import { type Ctx, compileNodes } from "./compile.js";
import type { EventBuilder } from "./EventBuilder.js";
import { EVTX, TOKEN } from "./layout.js";
import { NO_VALUES } from "./Values.js";

/**
 * Renders one BinXml fragment in chunk bytes `[pos, end)` into `b` at position `ctx`: the usual
 * fragment header + template instance, or (rarely) elements written out without a template.
 */
export function expandBinXml(b: EventBuilder, pos: number, end: number, ctx: Ctx): void {
  const buf = b.buf;
  let p = pos;
  while (p < end) {
    const token = buf[p] as number;
    if (token === TOKEN.fragmentHeader) {
      p += 4;
    } else if (token === TOKEN.eof) {
      return;
    } else if ((token & ~TOKEN.hasMoreFlag) === TOKEN.templateInstance) {
      const templateOffset = buf.readUInt32LE(p + 6);
      let values = p + 10;
      // The first use of a template in a chunk carries its definition inline: skip over it.
      if (templateOffset === values)
        values += EVTX.templateHeaderSize + buf.readUInt32LE(values + 20);
      p = b.instance(templateOffset, values, end, ctx);
    } else {
      const tree = readTree(b.chunk, p, end, false);
      compileNodes(tree.nodes, ctx)(b, NO_VALUES);
      return;
    }
  }
}
