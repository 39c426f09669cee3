import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { compileSigmaRule } from "./compileSigmaRule.js";
import { SigmaRuleError, unsupported } from "./errors.js";
import { isYMap, readSigmaYaml, type YMap } from "./readSigmaYaml.js";
import type { SigmaLoad, SigmaOptions, SigmaRule } from "./types.js";

/** True for a parsed YAML document that is a Sigma rule (`logsource` and `detection`). */
export function isSigmaDocument(doc: unknown): boolean {
  return (
    typeof doc === "object" &&
    doc !== null &&
    !Array.isArray(doc) &&
    "detection" in doc &&
    "logsource" in doc &&
    typeof (doc as { detection: unknown }).detection === "object"
  );
}

/** Cheap look at file text: a Sigma rule has top-level `logsource:` and `detection:` keys. */
export function looksLikeSigma(text: string): boolean {
  return /^logsource\s*:/m.test(text) && /^detection\s*:/m.test(text);
}

function failure(file: string, err: unknown, doc?: YMap): SigmaLoad {
  const status =
    err instanceof SigmaRuleError && err.code === "unsupported" ? "unsupported" : "error";
  const id = typeof doc?.id === "string" ? doc.id : undefined;
  const name = typeof doc?.title === "string" ? doc.title : undefined;
  return {
    status,
    file,
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    reason: (err as Error).message,
  };
}

/** Compiles every rule of one Sigma file's text; each failure is a load entry, never a throw. */
export function compileSigmaText(
  text: string,
  file: string,
  options: SigmaOptions = {},
): SigmaLoad[] {
  let docs: YMap[];
  try {
    docs = readSigmaYaml(text);
  } catch (err) {
    return [failure(file, err)];
  }
  return docs.map((doc) => {
    if (isYMap(doc.correlation))
      return failure(file, unsupported("Sigma correlation rules are not supported"), doc);
    if (isYMap(doc.filter) && !isYMap(doc.detection)) {
      return failure(file, unsupported("Sigma filters (meta-filters) are not supported"), doc);
    }
    if (doc.status === "unsupported")
      return failure(file, unsupported("the rule's status is unsupported"), doc);
    if (!isYMap(doc.detection) || !isYMap(doc.logsource)) {
      return failure(
        file,
        new SigmaRuleError("error", "not a Sigma rule: needs logsource and detection"),
        doc,
      );
    }
    try {
      return { status: "ok", file, rule: compileSigmaRule(doc, file, options) };
    } catch (err) {
      return failure(file, err, doc);
    }
  });
}

async function ymlFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const out: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await ymlFiles(p)));
    else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

export interface SigmaRuleSet {
  readonly rules: readonly SigmaRule[];
  /** Every rule's outcome, including the unsupported and broken ones. */
  readonly loads: readonly SigmaLoad[];
}

/** Marks the second and later rules with an id already loaded as errors. */
export function dedupeSigma(loads: readonly SigmaLoad[]): SigmaLoad[] {
  /** The file each rule id was first loaded from. */
  const seen = new Map<string, string>();
  return loads.map((l) => {
    if (l.status !== "ok") return l;
    const id = l.rule.meta.id;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, l.file);
      return l;
    }
    return {
      status: "error",
      file: l.file,
      id,
      name: l.rule.meta.title,
      reason: `duplicate rule id (first loaded from ${first})`,
    };
  });
}

/** Loads Sigma rules from files or folders (recursively), compiling each once. */
export async function loadSigmaRules(
  paths: readonly string[],
  options: SigmaOptions = {},
): Promise<SigmaRuleSet> {
  const loads: SigmaLoad[] = [];
  for (const path of paths) {
    for (const file of await ymlFiles(path)) {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (err) {
        loads.push({
          status: "error",
          file,
          reason: `cannot read rule: ${(err as Error).message}`,
        });
        continue;
      }
      loads.push(...compileSigmaText(text, file, options));
    }
  }
  const deduped = dedupeSigma(loads);
  return { rules: deduped.flatMap((l) => (l.status === "ok" ? [l.rule] : [])), loads: deduped };
}
