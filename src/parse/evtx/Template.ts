import { type Ctx, compileNodes, type Exec } from "./compile.js";
import type { ElementNode, Part } from "./tree.js";

/**
 * A template definition, read once per chunk, with its compiled renderers (one per position
 * it is used at: the record root, or inside `UserData` for nested BinXml).
 */
export class Template {
  private readonly execs = new Map<string, Exec>();
  /**
   * The last position asked for and its renderer: a template is nearly always used at one, so
   * no key string is built and hashed per template instance (+5-9% events/s in bench/evtxBench.ts,
   * bytes in memory, A/B median of 50 passes).
   */
  private lastCtx: Ctx | undefined;
  private lastExec: Exec | undefined;

  constructor(private readonly nodes: (ElementNode | Part)[]) {}

  exec(ctx: Ctx): Exec {
    if (ctx === this.lastCtx && this.lastExec !== undefined) return this.lastExec;
    const key = `${ctx.depth}/${ctx.top}`;
    let exec = this.execs.get(key);
    if (exec === undefined) {
      exec = compileNodes(this.nodes, ctx);
      this.execs.set(key, exec);
    }
    this.lastCtx = ctx;
    this.lastExec = exec;
    return exec;
  }
}
