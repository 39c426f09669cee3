// The rule set of the "many rules" bench case, shared by bench/worker.ts and bench/profile.ts.
import { fileURLToPath } from "node:url";
import { loadMacros, loadRules } from "../src/rules/loadRules.js";
import { loadSigmaRules } from "../src/rules/sigma/loadSigmaRules.js";
import type { SigmaRule } from "../src/rules/sigma/types.js";
import type { CompiledRule } from "../src/rules/types.js";

const SHARED_RULES = fileURLToPath(new URL("../../shared/rules/", import.meta.url));

export interface ManyRules {
  readonly rules: readonly CompiledRule[];
  readonly sigmaRules: readonly SigmaRule[];
  /** Reading, parsing and compiling every rule file, in ms. */
  readonly loadMs: number;
}

/**
 * Every loadable security_content endpoint detection (with its macros) and every SigmaHQ
 * process_creation rule.
 */
export async function loadManyRules(): Promise<ManyRules> {
  const t0 = performance.now();
  const sc = `${SHARED_RULES}security_content/`;
  const set = await loadRules([`${sc}detections/endpoint`], await loadMacros([`${sc}macros`]));
  const sigma = await loadSigmaRules([`${SHARED_RULES}sigma/rules/windows/process_creation`]);
  return { rules: set.rules, sigmaRules: sigma.rules, loadMs: performance.now() - t0 };
}
