import { type Ctx, compileNodes, type Exec } from "./compile.js";
import type { ElementNode, Part } from "./tree.js";

/**
 * A template definition, read once per chunk, with its compiled renderers (one per position
 * it is used at: the record root, or inside `UserData` for nested BinXml).
 */
export class Template {
  private readonly execs = new Map<string, Exec>();

  constructor(private readonly nodes: (ElementNode | Part)[]) {}

  exec(ctx: Ctx): Exec {
    const key = `${ctx.depth}/${ctx.top}`;
    let exec = this.execs.get(key);
    if (exec === undefined) {
      exec = compileNodes(this.nodes, ctx);
      this.execs.set(key, exec);
    }
    return exec;
  }
}
