import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { compileDetection } from "./compileDetection.js";
import { readInOrder } from "./readInOrder.js";
import { compileSigmaText, dedupeSigma, looksLikeSigma } from "./sigma/loadSigmaRules.js";
import type { SigmaLoad, SigmaRule } from "./sigma/types.js";
import { type Macro, type MacroTable, withBuiltins } from "./spl/macros.js";
import type { CompiledRule, RuleLoad } from "./types.js";

async function yamlFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) {
      if (e.name !== "macros") out.push(...(await yamlFiles(p)));
    } else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Reads macro files (`name`, `definition`, optional `arguments`) from folders, later ones win.
 * A file that cannot be read is passed to `onProblem` and skipped: a rule needing that macro
 * then reports it as unknown.
 */
export async function loadMacros(
  dirs: readonly string[],
  onProblem?: (file: string, reason: string) => void,
): Promise<MacroTable> {
  const macros: Macro[] = [];
  for (const dir of dirs) {
    for await (const read of readInOrder(await yamlFiles(dir))) {
      const file = read.file;
      let doc: Record<string, unknown> | null;
      try {
        if ("error" in read) throw read.error;
        doc = parseYaml(read.text) as Record<string, unknown> | null;
      } catch (err) {
        onProblem?.(file, (err as Error).message.split("\n")[0] ?? "unreadable");
        continue;
      }
      if (doc && typeof doc.name === "string" && typeof doc.definition === "string") {
        const args = Array.isArray(doc.arguments) ? doc.arguments.map(String) : [];
        macros.push({ name: doc.name, args, definition: doc.definition });
      } else {
        onProblem?.(file, "not a macro (needs name and definition)");
      }
    }
  }
  return withBuiltins(macros);
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Every file's outcome, including the unsupported and broken ones. */
  readonly loads: readonly RuleLoad[];
  /** Sigma rules found among the files (recognised by content, see `looksLikeSigma`). */
  readonly sigmaRules: readonly SigmaRule[];
  /** Every Sigma rule's outcome. */
  readonly sigmaLoads: readonly SigmaLoad[];
}

/**
 * Loads detection files from files or folders (recursively; a `macros` folder is skipped) and
 * compiles each once. A file that fails is reported in `loads`, never thrown.
 */
export async function loadRules(paths: readonly string[], macros: MacroTable): Promise<RuleSet> {
  const loads: RuleLoad[] = [];
  const sigma: SigmaLoad[] = [];
  /** The file each detection id was first loaded from. */
  const seen = new Map<string, string>();
  for (const path of paths) {
    for await (const read of readInOrder(await yamlFiles(path))) {
      const file = read.file;
      let load: RuleLoad;
      try {
        if ("error" in read) throw read.error;
        const text = read.text;
        if (looksLikeSigma(text) && !/^search\s*:/m.test(text)) {
          sigma.push(...compileSigmaText(text, file));
          continue;
        }
        load = compileDetection(parseYaml(text), file, macros);
      } catch (err) {
        load = { status: "error", file, reason: `cannot read rule: ${(err as Error).message}` };
      }
      if (load.status === "ok") {
        const first = seen.get(load.rule.meta.id);
        if (first !== undefined) {
          load = {
            status: "error",
            file,
            id: load.rule.meta.id,
            name: load.rule.meta.name,
            reason: `duplicate detection id (first loaded from ${first})`,
          };
        } else seen.set(load.rule.meta.id, file);
      }
      loads.push(load);
    }
  }
  const rules = loads.flatMap((l) => (l.status === "ok" ? [l.rule] : []));
  const sigmaLoads = dedupeSigma(sigma);
  const sigmaRules = sigmaLoads.flatMap((l) => (l.status === "ok" ? [l.rule] : []));
  return { rules, loads, sigmaRules, sigmaLoads };
}
