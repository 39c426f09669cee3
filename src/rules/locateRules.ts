import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/errors.js";

/** Where the rules and macros of a deployed handler come from. */
export interface RuleLocation {
  readonly rules: string;
  readonly macros: readonly string[];
}

export interface LocateOptions {
  /** `RULES_DIR`: replaces the shipped rules; its `macros/` adds to the shipped macros. */
  readonly rulesDir?: string;
  /** `import.meta.url` of the entry point (the bundle, `src/handler.ts` or `dist/handler.js`). */
  readonly moduleUrl?: string;
  /** `LAMBDA_TASK_ROOT`, for a bundle whose `import.meta.url` is unavailable (CommonJS). */
  readonly taskRoot?: string;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** A shipped rules folder is recognised by its `macros/` subfolder (`src/rules/` has none). */
async function shippedRules(options: LocateOptions): Promise<{ found?: string; looked: string[] }> {
  const looked: string[] = [];
  let moduleDir: string | undefined;
  try {
    if (typeof options.moduleUrl === "string")
      moduleDir = dirname(fileURLToPath(options.moduleUrl));
  } catch {
    moduleDir = undefined;
  }
  const candidates = [
    ...(moduleDir ? [join(moduleDir, "rules")] : []),
    ...(options.taskRoot ? [join(options.taskRoot, "rules")] : []),
    ...(moduleDir ? [join(moduleDir, "..", "rules")] : []),
  ];
  for (const dir of candidates) {
    looked.push(dir);
    if (await isDir(join(dir, "macros"))) return { found: dir, looked };
  }
  return { looked };
}

/**
 * Finds the rules: `RULES_DIR` if set, else `./rules` next to the bundle (where the CDK app
 * copies them), else the package's `rules/` (from `src/` or `dist/`). Throws `ConfigError`
 * naming `RULES_DIR` when nothing usable is found.
 */
export async function locateRules(options: LocateOptions): Promise<RuleLocation> {
  const shipped = await shippedRules(options);
  const shippedMacros = shipped.found ? [join(shipped.found, "macros")] : [];
  if (options.rulesDir !== undefined) {
    const dir = resolve(options.rulesDir);
    try {
      await stat(dir);
    } catch {
      throw new ConfigError([
        { variable: "RULES_DIR", message: `names a path that does not exist (${dir})` },
      ]);
    }
    const own = (await isDir(join(dir, "macros"))) ? [join(dir, "macros")] : [];
    return { rules: dir, macros: [...shippedMacros, ...own] };
  }
  if (shipped.found === undefined) {
    throw new ConfigError([
      {
        variable: "RULES_DIR",
        message: `is not set and no shipped rules folder was found (looked in ${shipped.looked.join(", ")})`,
      },
    ]);
  }
  return { rules: shipped.found, macros: shippedMacros };
}
