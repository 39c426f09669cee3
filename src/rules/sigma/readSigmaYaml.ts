import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments } from "yaml";
import { invalid } from "./errors.js";

/**
 * A YAML value as Sigma reads it. Numbers keep their source text (`0x1410` stays `0x1410`,
 * `4688` is `"4688"`), since rules compare them with event text; maps keep key order.
 */
export type YValue = string | boolean | null | YValue[] | YMap;
export interface YMap {
  [key: string]: YValue;
}

export function isYMap(v: YValue | undefined): v is YMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convert(node: unknown, doc: Document): YValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(node.resolve(doc), doc);
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "bigint") return node.source ?? String(v);
    return String(v);
  }
  if (isSeq(node)) return node.items.map((item) => convert(item, doc));
  if (isMap(node)) {
    const out: YMap = Object.create(null) as YMap;
    for (const pair of node.items) {
      const key = convert(pair.key, doc);
      out[key === null ? "" : String(key)] = convert(pair.value, doc);
    }
    return out;
  }
  return String((node as Node).toJSON());
}

/** Deep merge for rule collections: maps merge key by key, anything else is replaced. */
function merge(base: YMap, over: YMap): YMap {
  const out: YMap = Object.create(null) as YMap;
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isYMap(b) && isYMap(v) ? merge(b, v) : v;
  }
  return out;
}

/**
 * Reads a Sigma file: one rule, or a multi-document collection where a document with
 * `action: global` is merged into every following rule, `action: reset` drops it, and
 * `action: repeat` re-uses the previous rule with the changes given. Throws on bad YAML.
 */
export function readSigmaYaml(text: string): YMap[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  const out: YMap[] = [];
  let global: YMap | undefined;
  let previous: YMap | undefined;
  for (const doc of docs) {
    if (doc.errors.length > 0)
      throw invalid(`bad YAML: ${doc.errors[0]?.message ?? "parse error"}`);
    const value = convert(doc.contents, doc);
    if (value === null) continue;
    if (!isYMap(value)) throw invalid("a Sigma document must be a map");
    const { action, ...rest } = value;
    if (action === "global") {
      global = global === undefined ? rest : merge(global, rest);
    } else if (action === "reset") {
      global = undefined;
    } else if (action === "repeat") {
      if (previous === undefined) throw invalid("action: repeat without a previous rule");
      previous = merge(previous, rest);
      out.push(previous);
    } else {
      previous = global === undefined ? value : merge(global, value);
      out.push(previous);
    }
  }
  return out;
}
