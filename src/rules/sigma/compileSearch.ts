import { allOf, anyOf, negate } from "./combine.js";
import { type CostedTest, compileFieldValue, compileKeywordValue } from "./compileValue.js";
import { invalid } from "./errors.js";
import { type FieldMapping, fieldRef } from "./fields.js";
import { applyModifiers, type Scalar } from "./modifiers.js";
import { isYMap, type YMap, type YValue } from "./readSigmaYaml.js";

/** What a detection compiles against: the variant's field mapping and expand placeholders. */
export interface SearchContext {
  readonly mapping?: FieldMapping;
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

function scalars(v: YValue, where: string): Scalar[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw invalid(`${where}: empty value list`);
  for (const x of list) {
    if (typeof x === "object" && x !== null)
      throw invalid(`${where}: a value must be a string, number or null`);
  }
  return list as Scalar[];
}

/** One `field|mod|mod: values` entry (`field` empty for a keyword entry such as `'|all'`). */
function compileItem(key: string, value: YValue, ctx: SearchContext): CostedTest {
  const [name = "", ...mods] = key.split("|");
  const item = applyModifiers(mods, scalars(value, key), ctx.placeholders);
  const field = name === "" ? undefined : fieldRef(name, ctx.mapping);
  const perValue = item.values.map((alts) =>
    anyOf(
      alts.map((v) =>
        field === undefined
          ? compileKeywordValue(v, item.cased)
          : compileFieldValue(v, field, item.cased, ctx.mapping),
      ),
    ),
  );
  const combined = item.all ? allOf(perValue) : anyOf(perValue);
  return item.negate ? negate(combined) : combined;
}

function compileMap(map: YMap, ctx: SearchContext): CostedTest {
  const entries = Object.entries(map);
  if (entries.length === 0) throw invalid("empty selection");
  return allOf(entries.map(([k, v]) => compileItem(k, v, ctx)));
}

/**
 * Compiles one search identifier: a map is the AND of its field items, a list of maps their
 * OR, a list of plain values a keyword search (any of them anywhere in the event's data).
 */
export function compileSearch(value: YValue, ctx: SearchContext): CostedTest {
  if (isYMap(value)) return compileMap(value, ctx);
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalid("empty search identifier");
    const keywords = value.filter((v) => !isYMap(v) && !Array.isArray(v)) as Scalar[];
    const maps = value.filter(isYMap);
    if (keywords.length + maps.length !== value.length)
      throw invalid("nested list in search identifier");
    const parts = maps.map((m) => compileMap(m, ctx));
    if (keywords.length > 0) parts.push(compileItem("", keywords, ctx));
    return anyOf(parts);
  }
  if (typeof value === "string") return compileItem("", value, ctx);
  throw invalid("a search identifier must be a map, a list or a keyword");
}
