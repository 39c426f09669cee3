import { compileSystem } from "./compileSystem.js";
import { arrayItems, compileText, partsAfterLastElement, subText } from "./contentText.js";
import { type Ctx, type Exec, NOOP, sequence } from "./exec.js";
import { utf16 } from "./formatValue.js";
import { LastValue } from "./LastValue.js";
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
        b.data.Binary = text(b, v) ?? "";
      };
    }
    return NOOP;
  }
  if (ctx.top === "UserData")
    return ctx.depth === 2 ? compileNodes(el.children, child) : compileLeaf(el, child);
  return NOOP;
}

/**
 * `s` as V8's unique (internalized) copy of that text. Names decoded from a chunk are fresh
 * strings, which a keyed property store must look up in V8's string table on every store;
 * storing `data` values under the unique copy instead: +2.5-3% events/s in bench/evtxBench.ts
 * (bytes in memory; A/B median of 60 passes each).
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function compileData(el: ElementNode): Exec {
  const nameAttr = el.attrs.find((a) => a.name === "Name");
  const parts = partsAfterLastElement(el.children);
  const text = compileText(parts);
  const only = parts.length === 1 ? parts[0] : undefined;
  const literalName =
    nameAttr !== undefined && nameAttr.parts.length === 1 && typeof nameAttr.parts[0] === "string"
      ? internalized(nameAttr.parts[0])
      : undefined;
  if (literalName !== undefined && only !== undefined && isSubRef(only)) {
    // The Sysmon/Security shape, <Data Name="Literal">%n</Data>: one check of the value type,
    // then a direct UTF-16 decode for the common string case.
    const i = only.sub;
    const last = new LastValue();
    return (b, v) => {
      if (i < v.count && v.types[i] === VALUE.wstring) {
        const off = v.offsets[i] as number;
        b.data[literalName] = utf16(b.buf, off, off + (v.sizes[i] as number));
        return;
      }
      const items = arrayItems(b, v, i);
      if (items === undefined) b.data[literalName] = subText(b, v, only, last) ?? "";
      else for (const item of items) b.data[literalName] = item;
    };
  }
  const name = nameAttr === undefined ? () => undefined : compileText(nameAttr.parts);
  const sub = only !== undefined && isSubRef(only) ? only.sub : -1;
  return (b, v) => {
    const key = name(b, v);
    const items = sub === -1 ? undefined : arrayItems(b, v, sub);
    if (items === undefined) b.setData(key, text(b, v) ?? "");
    else for (const item of items) b.setData(key, item);
  };
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
    if (text.trim() !== "") b.data[name] = text;
  };
}
