import { u16, u32 } from "./bytes.js";
import type { EventBuilder } from "./EventBuilder.js";
import { EvtxFormatError } from "./errors.js";
import { formatArray, formatScalar, utf16 } from "./formatValue.js";
import { LastValue } from "./LastValue.js";
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

/** Text (or integer) content of an element or attribute, for one record's values. */
export type TextFn = (b: EventBuilder, v: Values) => string | undefined;
export type IntFn = (b: EventBuilder, v: Values) => number | undefined;

/**
 * Text of substitution `ref`, rendered like Windows' XML: undefined when an optional
 * substitution is empty (its attribute is then left out), arrays joined by commas.
 */
export function subText(
  b: EventBuilder,
  v: Values,
  ref: SubRef,
  last?: LastValue,
): string | undefined {
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
      : last !== undefined
        ? last.format(type, b.buf, off, size)
        : formatScalar(type, b.buf, off, size);
  if (text === undefined)
    throw new EvtxFormatError(
      `substitution ${i} of type 0x${type.toString(16)} has a bad size ${size}`,
    );
  return text;
}

export function partsAfterLastElement(children: readonly (ElementNode | Part)[]): Part[] {
  let from = 0;
  for (let i = 0; i < children.length; i++)
    if (isElement(children[i] as ElementNode | Part)) from = i + 1;
  return children.slice(from) as Part[];
}

/** Concatenated text of `parts`; undefined only when every part is an empty optional substitution. */
export function compileText(parts: readonly Part[]): TextFn {
  if (parts.length === 0) return () => "";
  if (parts.length === 1) {
    const only = parts[0] as Part;
    if (typeof only === "string") return () => only;
    if (isSubRef(only)) {
      const last = new LastValue();
      return (b, v) => subText(b, v, only, last);
    }
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

export function toInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isInteger(n) ? n : undefined;
}

/** Integer content, read straight from the bytes for the usual single integer substitution. */
export function compileInt(parts: readonly Part[]): IntFn {
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
          if (v.sizes[i] === 2) return u16(b.buf, off);
          break;
        case VALUE.uint32:
          if (v.sizes[i] === 4) return u32(b.buf, off);
          break;
        case VALUE.uint64: {
          const hi = v.sizes[i] === 8 ? u32(b.buf, off + 4) : 0x200000;
          if (hi < 0x200000) return hi * 4294967296 + u32(b.buf, off);
          break;
        }
      }
    }
    return toInt(text(b, v));
  };
}

export function attrInt(el: ElementNode, name: string): IntFn {
  const attr: AttrNode | undefined = el.attrs.find((a) => a.name === name);
  return attr === undefined ? () => undefined : compileInt(attr.parts);
}

export function attrText(el: ElementNode, name: string): TextFn {
  const attr: AttrNode | undefined = el.attrs.find((a) => a.name === name);
  return attr === undefined ? () => undefined : compileText(attr.parts);
}

/** Items of substitution `i` when it holds an array: Windows writes one element per item. */
export function arrayItems(b: EventBuilder, v: Values, i: number): string[] | undefined {
  if (i >= v.count) return undefined;
  const type = v.types[i] as number;
  if ((type & VALUE.array) === 0) return undefined;
  const off = v.offsets[i] as number;
  const items = formatArray(type, b.buf, off, v.sizes[i] as number);
  if (items === undefined) throw new EvtxFormatError(`array substitution ${i} is malformed`);
  return items;
}
