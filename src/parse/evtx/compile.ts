import type { EventBuilder } from "./EventBuilder.js";
import { EvtxFormatError } from "./errors.js";
import { formatArray, formatScalar, utf16 } from "./formatValue.js";
import { VALUE } from "./layout.js";
import {
  type AttrNode,
  type ElementNode,
  isElement,
  isSubRef,
  type Part,
  type SubRef,
} from "./tree.js";
import type { Values } from "./Values.js";

/**
 * Where a template's elements land in the event: `depth` counts their ancestors (0 for
 * `<Event>`, 3 for anything at least that deep) and `top` names the `<Event>` child they are in.
 */
export interface Ctx {
  readonly depth: number;
  readonly top: string;
}

export const ROOT_CTX: Ctx = { depth: 0, top: "" };

/** A compiled template: fills the builder from one record's substitution values. */
export type Exec = (b: EventBuilder, v: Values) => void;
type TextFn = (b: EventBuilder, v: Values) => string | undefined;
type IntFn = (b: EventBuilder, v: Values) => number | undefined;

const NOOP: Exec = () => {};

/** True when elements at `ctx` can contribute to a `WinEvent` (see `parseEventXml`). */
function relevant(ctx: Ctx): boolean {
  if (ctx.depth <= 1) return true;
  if (ctx.top === "UserData") return true;
  return ctx.depth === 2 && (ctx.top === "System" || ctx.top === "EventData");
}

function sequence(execs: Exec[]): Exec {
  if (execs.length === 0) return NOOP;
  if (execs.length === 1) return execs[0] as Exec;
  return (b, v) => {
    for (let i = 0; i < execs.length; i++) (execs[i] as Exec)(b, v);
  };
}

/**
 * Text of substitution `ref`, rendered like Windows' XML: undefined when an optional
 * substitution is empty (its attribute is then left out), arrays joined by commas.
 */
function subText(b: EventBuilder, v: Values, ref: SubRef): string | undefined {
  const i = ref.sub;
  if (i >= v.count) return ref.optional ? undefined : "";
  const type = v.types[i] as number;
  const size = v.sizes[i] as number;
  if (type === VALUE.null || size === 0) return ref.optional ? undefined : "";
  const off = v.offsets[i] as number;
  if (type === VALUE.wstring) return utf16(b.buf, off, off + size);
  if (type === VALUE.binXml) return "";
  const text =
    type & VALUE.array
      ? formatArray(type, b.buf, off, size)?.join(",")
      : formatScalar(type, b.buf, off, size);
  if (text === undefined)
    throw new EvtxFormatError(
      `substitution ${i} of type 0x${type.toString(16)} has a bad size ${size}`,
    );
  return text;
}

function partsAfterLastElement(children: readonly (ElementNode | Part)[]): Part[] {
  let from = 0;
  for (let i = 0; i < children.length; i++)
    if (isElement(children[i] as ElementNode | Part)) from = i + 1;
  return children.slice(from) as Part[];
}

/** Concatenated text of `parts`; undefined only when every part is an empty optional substitution. */
function compileText(parts: readonly Part[]): TextFn {
  if (parts.length === 0) return () => "";
  if (parts.length === 1) {
    const only = parts[0] as Part;
    if (typeof only === "string") return () => only;
    if (isSubRef(only)) return (b, v) => subText(b, v, only);
  }
  return (b, v) => {
    let text: string | undefined;
    for (const part of parts) {
      const t = typeof part === "string" ? part : isSubRef(part) ? subText(b, v, part) : "";
      if (t !== undefined) text = text === undefined ? t : text + t;
    }
    return text;
  };
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isInteger(n) ? n : undefined;
}

/** Integer content, read straight from the bytes for the usual single integer substitution. */
function compileInt(parts: readonly Part[]): IntFn {
  const only = parts[0];
  const text = compileText(parts);
  if (parts.length !== 1 || only === undefined || !isSubRef(only))
    return (b, v) => toInt(text(b, v));
  const i = only.sub;
  return (b, v) => {
    if (i < v.count) {
      const off = v.offsets[i] as number;
      switch (v.types[i]) {
        case VALUE.uint8:
          if (v.sizes[i] === 1) return b.buf[off];
          break;
        case VALUE.uint16:
          if (v.sizes[i] === 2) return b.buf.readUInt16LE(off);
          break;
        case VALUE.uint32:
          if (v.sizes[i] === 4) return b.buf.readUInt32LE(off);
          break;
        case VALUE.uint64: {
          const hi = v.sizes[i] === 8 ? b.buf.readUInt32LE(off + 4) : 0x200000;
          if (hi < 0x200000) return hi * 4294967296 + b.buf.readUInt32LE(off);
          break;
        }
      }
    }
    return toInt(text(b, v));
  };
}

function attrInt(el: ElementNode, name: string): IntFn {
  const attr: AttrNode | undefined = el.attrs.find((a) => a.name === name);
  return attr === undefined ? () => undefined : compileInt(attr.parts);
}

function attrText(el: ElementNode, name: string): TextFn {
  const attr: AttrNode | undefined = el.attrs.find((a) => a.name === name);
  return attr === undefined ? () => undefined : compileText(attr.parts);
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

function compileSystem(el: ElementNode): Exec {
  const parts = partsAfterLastElement(el.children);
  switch (el.name) {
    case "Provider": {
      const name = attrText(el, "Name");
      const source = attrText(el, "EventSourceName");
      const guid = attrText(el, "Guid");
      return (b, v) => {
        b.provider = name(b, v) ?? source(b, v) ?? "";
        const g = guid(b, v);
        if (g !== undefined) b.providerGuid = g;
      };
    }
    case "EventID": {
      const int = compileInt(parts);
      return (b, v) => {
        b.eventId = int(b, v);
      };
    }
    case "Version": {
      const int = compileInt(parts);
      return (b, v) => {
        b.version = int(b, v);
      };
    }
    case "Level": {
      const int = compileInt(parts);
      return (b, v) => {
        b.level = int(b, v);
      };
    }
    case "Task": {
      const int = compileInt(parts);
      return (b, v) => {
        b.task = int(b, v);
      };
    }
    case "Opcode": {
      const int = compileInt(parts);
      return (b, v) => {
        b.opcode = int(b, v);
      };
    }
    case "EventRecordID": {
      const int = compileInt(parts);
      return (b, v) => {
        b.eventRecordId = int(b, v);
      };
    }
    case "Keywords": {
      const text = compileText(parts);
      return (b, v) => {
        b.keywords = (text(b, v) ?? "").trim();
      };
    }
    case "Channel": {
      const text = compileText(parts);
      return (b, v) => {
        b.channel = (text(b, v) ?? "").trim();
      };
    }
    case "Computer": {
      const text = compileText(parts);
      return (b, v) => {
        b.computer = (text(b, v) ?? "").trim();
      };
    }
    case "TimeCreated": {
      const time = attrText(el, "SystemTime");
      return (b, v) => {
        const t = time(b, v);
        if (t !== undefined) b.timeCreated = t;
      };
    }
    case "Execution": {
      const pid = attrInt(el, "ProcessID");
      const tid = attrInt(el, "ThreadID");
      return (b, v) => {
        b.processId = pid(b, v);
        b.threadId = tid(b, v);
      };
    }
    case "Security": {
      const user = attrText(el, "UserID");
      return (b, v) => {
        const u = user(b, v);
        if (u !== undefined) b.userId = u;
      };
    }
    default:
      return NOOP;
  }
}

/** Items of substitution `i` when it holds an array: Windows writes one element per item. */
function arrayItems(b: EventBuilder, v: Values, i: number): string[] | undefined {
  if (i >= v.count) return undefined;
  const type = v.types[i] as number;
  if ((type & VALUE.array) === 0) return undefined;
  const off = v.offsets[i] as number;
  const items = formatArray(type, b.buf, off, v.sizes[i] as number);
  if (items === undefined) throw new EvtxFormatError(`array substitution ${i} is malformed`);
  return items;
}

function compileData(el: ElementNode): Exec {
  const nameAttr = el.attrs.find((a) => a.name === "Name");
  const parts = partsAfterLastElement(el.children);
  const text = compileText(parts);
  const only = parts.length === 1 ? parts[0] : undefined;
  const literalName =
    nameAttr !== undefined && nameAttr.parts.length === 1 && typeof nameAttr.parts[0] === "string"
      ? nameAttr.parts[0]
      : undefined;
  if (literalName !== undefined && only !== undefined && isSubRef(only)) {
    // The Sysmon/Security shape, <Data Name="Literal">%n</Data>: one check of the value type,
    // then a direct UTF-16 decode for the common string case.
    const i = only.sub;
    return (b, v) => {
      if (i < v.count && v.types[i] === VALUE.wstring) {
        const off = v.offsets[i] as number;
        b.data[literalName] = utf16(b.buf, off, off + (v.sizes[i] as number));
        return;
      }
      const items = arrayItems(b, v, i);
      if (items === undefined) b.data[literalName] = subText(b, v, only) ?? "";
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
  const name = el.name;
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
