import { compileData, compileShapedEventData, internalized } from "./compileData.js";
import { compileSystem } from "./compileSystem.js";
import { compileText, partsAfterLastElement, subText } from "./contentText.js";
import { type Ctx, type Exec, NOOP, sequence } from "./exec.js";
import { VALUE } from "./layout.js";
import { type ElementNode, isElement, isSubRef, type Part } from "./tree.js";

export { type Ctx, type Exec, ROOT_CTX } from "./exec.js";

/** True when elements at `ctx` can contribute to a `WinEvent` (see `parseEventXml`). */
function relevant(ctx: Ctx): boolean {
  if (ctx.depth <= 1) return true;
  if (ctx.top === "UserData") return true;
  return ctx.depth === 2 && (ctx.top === "System" || ctx.top === "EventData");
}

/** Renders nested BinXml values and template instances met among `<Event>` container content. */
function compileDynamicPart(part: Part, ctx: Ctx): Exec | undefined {
  if (typeof part === "string") return undefined;
  if (isSubRef(part)) {
    const i = part.sub;
    return (b, v) => {
      if (i < v.count && v.types[i] === VALUE.binXml) {
        const off = v.offsets[i] as number;
        b.expand(off, off + (v.sizes[i] as number), ctx);
      }
    };
  }
  return (b) => b.instance(part.templateOffset, part.valuesOffset, part.end, ctx);
}

/** Compiles element content (elements and parts) found at `ctx`. */
export function compileNodes(nodes: readonly (ElementNode | Part)[], ctx: Ctx): Exec {
  if (!relevant(ctx)) return NOOP;
  const execs: Exec[] = [];
  for (const node of nodes) {
    const exec = isElement(node) ? compileElement(node, ctx) : compileDynamicPart(node, ctx);
    if (exec !== undefined && exec !== NOOP) execs.push(exec);
  }
  return sequence(execs);
}

function compileElement(el: ElementNode, ctx: Ctx): Exec {
  const child: Ctx = {
    depth: Math.min(ctx.depth + 1, 3),
    top: ctx.depth === 1 ? el.name : ctx.top,
  };
  if (ctx.depth === 0) return el.name === "Event" ? compileNodes(el.children, child) : NOOP;
  if (ctx.depth === 1) {
    if (el.name === "System") return compileNodes(el.children, child);
    if (el.name !== "EventData" && el.name !== "UserData") return NOOP;
    const body = compileNodes(el.children, child);
    const shaped = el.name === "EventData" ? compileShapedEventData(el.children) : undefined;
    if (shaped !== undefined) {
      return (b, v) => {
        // Made at once only for a record with no data yet: else stores keep the order of keys.
        if (b.wantsData()) (b.data === undefined ? shaped : body)(b, v);
      };
    }
    return (b, v) => {
      if (b.wantsData()) body(b, v);
    };
  }
  if (ctx.top === "System") return ctx.depth === 2 ? compileSystem(el) : NOOP;
  if (ctx.top === "EventData") {
    if (ctx.depth !== 2) return NOOP;
    if (el.name === "Data") return compileData(el);
    if (el.name === "Binary") {
      const text = compileText(partsAfterLastElement(el.children));
      return (b, v) => {
        b.dataObject().Binary = text(b, v) ?? "";
      };
    }
    return NOOP;
  }
  if (ctx.top === "UserData")
    return ctx.depth === 2 ? compileNodes(el.children, child) : compileLeaf(el, child);
  return NOOP;
}

/** An element below `UserData/*`: its text, when not blank, is stored under its name. */
function compileLeaf(el: ElementNode, child: Ctx): Exec {
  type Step = { kind: "element"; exec: Exec } | { kind: "part"; part: Part };
  const steps: Step[] = el.children.map((c) =>
    isElement(c) ? { kind: "element", exec: compileElement(c, child) } : { kind: "part", part: c },
  );
  const name = internalized(el.name);
  return (b, v) => {
    let text = "";
    for (const step of steps) {
      if (step.kind === "element") {
        step.exec(b, v);
        text = "";
        continue;
      }
      const part = step.part;
      if (typeof part === "string") {
        text += part;
      } else if (!isSubRef(part)) {
        b.instance(part.templateOffset, part.valuesOffset, part.end, child);
        text = "";
      } else if (part.sub < v.count && v.types[part.sub] === VALUE.binXml) {
        const off = v.offsets[part.sub] as number;
        b.expand(off, off + (v.sizes[part.sub] as number), child);
        text = "";
      } else {
        text += subText(b, v, part) ?? "";
      }
    }
    if (text.trim() !== "") b.dataObject()[name] = text;
  };
}
