import { describeFsError } from "../input/describeFsError.js";
import { loadMacros, loadRules, type RuleSet } from "../rules/loadRules.js";
import { UsageError } from "./UsageError.js";

/**
 * Loads the macro folders, then the rule files and folders with them. A path that cannot be
 * read (a missing --rules or --macros path) is a one-line `UsageError` naming it, not Node's
 * `ENOENT: ..., stat '...'`.
 */
export async function loadRuleSet(
  rulePaths: readonly string[],
  macroPaths: readonly string[],
): Promise<RuleSet> {
  try {
    return await loadRules(rulePaths, await loadMacros(macroPaths));
  } catch (err) {
    const { code, path } = err as NodeJS.ErrnoException;
    const reason =
      code === undefined || path === undefined
        ? (err as Error).message
        : `${path}: ${describeFsError(err)}`;
    throw new UsageError(`cannot read rules: ${reason}`, { cause: err });
  }
}
