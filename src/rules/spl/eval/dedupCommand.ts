import { SplSyntaxError, UnsupportedSearchError } from "../../errors.js";
import { splitArgs, takeOptions } from "./commandArgs.js";
import type { Item, TableStage } from "./statsCommands.js";
import { toText, type Value } from "./values.js";

const OPTIONS: ReadonlySet<string> = new Set(["keepempty", "consecutive", "keepevents"]);

function flag(options: Map<string, string>, name: string): boolean {
  const v = options.get(name)?.toLowerCase();
  if (v === undefined) return false;
  if (v === "true" || v === "t" || v === "1") return true;
  if (v === "false" || v === "f" || v === "0") return false;
  throw new SplSyntaxError(`dedup ${name}=${v}`);
}

function text(v: Value): string {
  return Array.isArray(v) ? v.join("\n") : toText(v as string | number);
}

/**
 * `| dedup [N] <fields> [keepempty=bool] [consecutive=bool]`: keeps the first N rows (1 by
 * default) of each combination of the fields' values, in row order. A row missing one of the
 * fields is dropped unless `keepempty=true`. `sortby` and `keepevents=true` are unsupported.
 */
export function dedupStage(args: string): TableStage {
  if (/\bsortby\b/i.test(args)) throw new UnsupportedSearchError("dedup sortby");
  const { options, rest } = takeOptions(splitArgs(args), OPTIONS);
  if (flag(options, "keepevents")) throw new UnsupportedSearchError("dedup keepevents=true");
  const keepEmpty = flag(options, "keepempty");
  const consecutive = flag(options, "consecutive");
  let limit = 1;
  if (rest[0] !== undefined && !rest[0].quoted && /^\d+$/.test(rest[0].text)) {
    limit = Number(rest.shift()?.text);
    if (limit < 1) throw new SplSyntaxError("dedup count must be at least 1");
  }
  const fields = rest.map((a) => a.text);
  if (fields.length === 0) throw new SplSyntaxError("dedup needs a field");
  return (items) => {
    const seen = new Map<string, number>();
    const out: Item[] = [];
    let previous: string | undefined;
    for (const item of items) {
      const parts: string[] = [];
      for (const f of fields) {
        const v = item.row[f];
        if (v === undefined || v === null) break;
        parts.push(text(v));
      }
      if (parts.length < fields.length) {
        if (keepEmpty) out.push(item);
        continue;
      }
      const key = JSON.stringify(parts);
      if (consecutive) {
        if (key !== previous) out.push(item);
        previous = key;
        continue;
      }
      const n = seen.get(key) ?? 0;
      if (n < limit) out.push(item);
      seen.set(key, n + 1);
    }
    return out;
  };
}
