// The rule set of the "many rules" bench case, shared by bench/worker.ts and bench/profile.ts.
import { fileURLToPath } from "node:url";
import type { RuleFiles } from "../src/chunks/ChunkPool.js";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import type { SigmaRule } from "../src/rules/sigma/types.js";
import type { CompiledRule } from "../src/rules/types.js";

const SHARED_RULES = fileURLToPath(new URL("../../shared/rules/", import.meta.url));
const SC = `${SHARED_RULES}security_content/`;

/**
 * Every security_content endpoint detection (with its macros) and every SigmaHQ
 * process_creation rule: the files, as worker threads load them too.
 */
export const MANY_RULE_FILES: RuleFiles = {
  rulePaths: [`${SC}detections/endpoint`, `${SHARED_RULES}sigma/rules/windows/process_creation`],
  macroPaths: [`${SC}macros`],
};

export interface ManyRules {
  readonly rules: readonly CompiledRule[];
  readonly sigmaRules: readonly SigmaRule[];
  /** Reading, parsing and compiling every rule file, in ms. */
  readonly loadMs: number;
}

/** Loads `MANY_RULE_FILES`: the rules that load (the rest are reported unsupported). */
export async function loadManyRules(): Promise<ManyRules> {
  const t0 = performance.now();
  const { macroPaths, rulePaths } = MANY_RULE_FILES;
  const set = await loadRules(rulePaths, await loadMacros(macroPaths));
  return { rules: set.rules, sigmaRules: set.sigmaRules, loadMs: performance.now() - t0 };
}
