import { arrayItems, compileText, partsAfterLastElement, subText } from "./contentText.js";
import type { EventBuilder } from "./EventBuilder.js";
import type { Exec } from "./exec.js";
import { LastValue } from "./LastValue.js";
import { VALUE } from "./layout.js";
import { type ElementNode, isElement, isSubRef, type Part, type SubRef } from "./tree.js";
import type { Values } from "./Values.js";

/**
 * `s` as V8's unique (internalized) copy of that text. Names decoded from a chunk are fresh
 * strings, which a keyed property store must look up in V8's string table on every store;
 * storing `data` values under the unique copy instead: +2.5-3% events/s in bench/evtxBench.ts
 * (bytes in memory; A/B median of 60 passes each).
 */
export function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/** The text a `<Data>` leaves under its name (an array's last item); undefined for an empty array. */
type DataText = (b: EventBuilder, v: Values) => string | undefined;

/** `<Data Name="Literal">%n</Data>`, the Sysmon/Security shape: its name and substitution. */
interface LiteralData {
  readonly name: string;
  readonly only: SubRef;
}

function literalData(el: ElementNode): LiteralData | undefined {
  const nameAttr = el.attrs.find((a) => a.name === "Name");
  const parts = partsAfterLastElement(el.children);
  const only = parts.length === 1 ? parts[0] : undefined;
  const name = nameAttr?.parts.length === 1 ? nameAttr.parts[0] : undefined;
  if (typeof name !== "string" || only === undefined || !isSubRef(only)) return undefined;
  return { name: internalized(name), only };
}

/** One check of the value type, then a direct UTF-16 decode for the common string case. */
function literalText({ only }: LiteralData): DataText {
  const i = only.sub;
  const last = new LastValue();
  return (b, v) => {
    if (i < v.count && v.types[i] === VALUE.wstring)
      return last.wstring(b.buf, v.offsets[i] as number, v.sizes[i] as number);
    const items = arrayItems(b, v, i);
    return items === undefined ? (subText(b, v, only, last) ?? "") : items[items.length - 1];
  };
}

/** An `EventData/Data` element: its text stored under its `Name` (or `paramN`). */
export function compileData(el: ElementNode): Exec {
  const literal = literalData(el);
  if (literal !== undefined) {
    const text = literalText(literal);
    const name = literal.name;
    return (b, v) => {
      const t = text(b, v);
      if (t !== undefined) b.dataObject()[name] = t;
    };
  }
  const nameAttr = el.attrs.find((a) => a.name === "Name");
  const parts = partsAfterLastElement(el.children);
  const text = compileText(parts);
  const only = parts.length === 1 ? parts[0] : undefined;
  const name = nameAttr === undefined ? () => undefined : compileText(nameAttr.parts);
  const sub = only !== undefined && isSubRef(only) ? only.sub : -1;
  return (b, v) => {
    const key = name(b, v);
    const items = sub === -1 ? undefined : arrayItems(b, v, sub);
    if (items === undefined) b.setData(key, text(b, v) ?? "");
    else for (const item of items) b.setData(key, item);
  };
}

/**
 * A function making `{ [names[0]]: values[0], ... }` as one object literal. Its source holds the
 * names only as JSON string literals (which no text can end early), never `__proto__`, which
 * an object literal would take for the prototype.
 */
function objectMaker(
  names: readonly string[],
): (values: readonly string[]) => Record<string, string> {
  const props = names.map((n, k) => `${JSON.stringify(n)}: values[${k}]`);
  return new Function("values", `"use strict"; return { ${props.join(", ")} };`) as (
    values: readonly string[],
  ) => Record<string, string>;
}

/**
 * `<EventData>` whose children are all `<Data Name="Literal">%n</Data>` with distinct names (or
 * elements and text that add nothing): the values are read into an array and `data` made at
 * once by an object literal compiled for those names. Stored one by one under names that vary,
 * `data` went through V8's generic keyed stores, and past 16 keys (Sysmon 1 has 23) into
 * dictionary mode: those stores were 10-13% of the bench/evtxBench.ts profile. Undefined when
 * the children do not fit (then each `<Data>` stores its own value).
 */
export function compileShapedEventData(
  children: readonly (ElementNode | Part)[],
): Exec | undefined {
  const names: string[] = [];
  const subs: number[] = [];
  const texts: DataText[] = [];
  for (const child of children) {
    if (typeof child === "string") continue;
    if (!isElement(child) || child.name === "Binary") return undefined;
    if (child.name !== "Data") continue;
    const literal = literalData(child);
    if (literal === undefined || literal.name === "__proto__" || names.includes(literal.name))
      return undefined;
    names.push(literal.name);
    subs.push(literal.only.sub);
    texts.push(literalText(literal));
  }
  if (names.length === 0) return undefined;
  const make = objectMaker(names);
  const lasts = names.map(() => new LastValue());
  // Reused record after record: `make` copies the values out.
  const values: string[] = names.map(() => "");
  return (b, v) => {
    let emptyAt: number[] | undefined;
    for (let k = 0; k < names.length; k++) {
      const i = subs[k] as number;
      // `literalText`'s string case inline: calling `texts[k]` for it too measured ~7% slower
      // (bench/evtxBench.ts, bytes in memory, 4 alternating runs: 174k vs 188k events/s)
      if (i < v.count && v.types[i] === VALUE.wstring) {
        values[k] = (lasts[k] as LastValue).wstring(
          b.buf,
          v.offsets[i] as number,
          v.sizes[i] as number,
        );
        continue;
      }
      const t = (texts[k] as DataText)(b, v);
      if (t === undefined) {
        emptyAt ??= [];
        emptyAt.push(k);
      }
      values[k] = t ?? "";
    }
    const data = make(values);
    // An empty array leaves its Data out, as Windows writes no element for it.
    if (emptyAt !== undefined) for (const k of emptyAt) delete data[names[k] as string];
    b.data = data;
  };
}
