import type { WinEvent } from "../../parse/types.js";
import { allOf, anyOf, atLeast, negate } from "./combine.js";
import { compileSearch, type SearchContext } from "./compileSearch.js";
import type { CostedTest } from "./compileValue.js";
import { type ConditionNode, identifiersFor, parseCondition } from "./condition.js";
import { EventView } from "./EventView.js";
import { invalid } from "./errors.js";
import { ANY_EVENT, eventKey } from "./eventKey.js";
import { logsourceVariants } from "./logsource.js";
import { isYMap, type YMap, type YValue } from "./readSigmaYaml.js";
import {
  SIGMA_LEVELS,
  type SigmaLevel,
  type SigmaMeta,
  type SigmaOptions,
  type SigmaRule,
  type SigmaVariant,
  type ViewTest,
} from "./types.js";

const NOT_IDENTIFIERS = new Set(["condition", "timeframe"]);

function text(v: YValue | undefined): string | null {
  return typeof v === "string" ? v : null;
}

function texts(v: YValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** `attack.t1059.001` -> `T1059.001`; other tags give nothing. */
export function mitreIds(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
    if (m !== null && !out.includes((m[1] as string).toUpperCase()))
      out.push((m[1] as string).toUpperCase());
  }
  return out;
}

function readMeta(doc: YMap, file: string): SigmaMeta {
  const title = text(doc.title);
  if (title === null || title.trim() === "") throw invalid("rule has no title");
  const levelText = text(doc.level)?.trim().toLowerCase() ?? null;
  const level = SIGMA_LEVELS.includes(levelText as SigmaLevel) ? (levelText as SigmaLevel) : null;
  const tags = texts(doc.tags);
  const logsource: Record<string, string> = {};
  if (isYMap(doc.logsource)) {
    for (const [k, v] of Object.entries(doc.logsource)) if (typeof v === "string") logsource[k] = v;
  }
  return {
    id: text(doc.id) ?? `sigma:${file}`,
    title,
    status: text(doc.status),
    level,
    description: text(doc.description),
    tags,
    mitre_attack_id: mitreIds(tags),
    logsource,
    falsepositives: texts(doc.falsepositives),
  };
}

function compileCondition(node: ConditionNode, ids: ReadonlyMap<string, CostedTest>): CostedTest {
  switch (node.t) {
    case "id": {
      const t = ids.get(node.name);
      if (t === undefined) throw invalid(`condition names unknown search identifier ${node.name}`);
      return t;
    }
    case "not":
      return negate(compileCondition(node.node, ids));
    case "and":
      return allOf(node.items.map((n) => compileCondition(n, ids)));
    case "or":
      return anyOf(node.items.map((n) => compileCondition(n, ids)));
    case "of": {
      const names = identifiersFor(node.pattern, [...ids.keys()]);
      if (names.length === 0) throw invalid(`"${node.pattern}" matches no search identifier`);
      const tests = names.map((n) => ids.get(n) as CostedTest);
      return node.count === "all" ? allOf(tests) : atLeast(node.count, tests);
    }
  }
}

function compileDetection(
  detection: YMap,
  conditions: readonly ConditionNode[],
  ctx: SearchContext,
): CostedTest {
  const ids = new Map<string, CostedTest>();
  for (const [name, value] of Object.entries(detection)) {
    if (!NOT_IDENTIFIERS.has(name)) ids.set(name, compileSearch(value, ctx));
  }
  return anyOf(conditions.map((c) => compileCondition(c, ids)));
}

/**
 * Compiles one Sigma rule document, once: its log source becomes one variant per event family
 * (each with the event keys it applies to and its field mapping), its detection a predicate
 * per variant. Throws `SigmaRuleError` for a rule it cannot run.
 */
export function compileSigmaRule(doc: YMap, file: string, options: SigmaOptions = {}): SigmaRule {
  const meta = readMeta(doc, file);
  if (!isYMap(doc.logsource)) throw invalid("rule has no logsource");
  const detection = doc.detection;
  if (!isYMap(detection)) throw invalid("rule has no detection");
  const cond = detection.condition;
  const condTexts = typeof cond === "string" ? [cond] : Array.isArray(cond) ? texts(cond) : [];
  if (condTexts.length === 0) throw invalid("detection has no condition");
  const conditions = condTexts.map(parseCondition);
  const variants: SigmaVariant[] = logsourceVariants(doc.logsource).map((ls) => {
    const ctx: SearchContext = {
      ...(ls.mapping === undefined ? {} : { mapping: ls.mapping }),
      ...(options.placeholders === undefined ? {} : { placeholders: options.placeholders }),
    };
    let body = compileDetection(detection, conditions, ctx);
    if (ls.extra !== undefined) body = allOf([compileSearch(ls.extra as YMap, ctx), body]);
    return { label: ls.label, keys: ls.keys, test: body.test, req: body.req };
  });
  const byKey = new Map<string, ViewTest>();
  for (const v of variants) for (const k of v.keys) if (!byKey.has(k)) byKey.set(k, v.test);
  const eventKeys = [...byKey.keys()];
  const match = (event: WinEvent): boolean => {
    const test =
      byKey.get(eventKey(event.channel, event.eventId)) ??
      byKey.get(eventKey(event.channel, "*")) ??
      byKey.get(ANY_EVENT);
    return test === undefined ? false : test(new EventView(event));
  };
  return { format: "sigma", meta, file, eventKeys, variants, match };
}
