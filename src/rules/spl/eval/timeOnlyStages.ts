import type { Effect } from "./joinPushdown.js";
import type { RowStage } from "./rowCommands.js";

/** A compiled pipe as `timeOnlyStages` sees it. */
export interface PipeStage {
  readonly rows?: RowStage;
  readonly effect?: Effect;
  /** Set for `| convert`. */
  readonly convert?: true;
}

/** The names of a tstats row and how findings name them (see `compilePipes`). */
export interface TimeOnlyNames {
  /** Every raw name of the row, in its order (by-fields, count, times, aggregations). */
  readonly initial: readonly string[];
  /** The raw names of `count`, `min(_time)` and `max(_time)`. */
  readonly times: ReadonlySet<string>;
  /** A raw name as findings name it (the datamodel prefix dropped). */
  readonly plainName: (name: string) => string;
}

/**
 * When the pipes only drop the datamodel prefix of fields other than the count and times, and
 * format the count and times in place (`drop_dm_object_name`, `security_content_ctime`, an
 * empty filter macro: the tail of most security_content detections), the stages that format
 * them: run on a row of the count and times alone, they give the row's every output (the
 * renamed fields keep the values tstats gave them, so a finding repeats none of them). Null
 * when the pipes may do anything else: a stage over all rows (null here: `stats`, `join`,
 * ...), a filter, write or keep; a rename of a count or time, onto a name the row has, or to
 * another name than the prefix dropped (findings show such a field as computed); a convert of
 * any other field, or `as` another; or when two raw names, or a renamed name and a count or
 * time, name the same field. Why: bench/profile.ts (m), running every pipe on every group's
 * whole row was 5.9% of the scan, and 4.4% with this tail (545 of the 710 detections) taken
 * this way.
 */
export function timeOnlyStages(
  stages: readonly (PipeStage | null)[],
  names: TimeOnlyNames,
): RowStage[] | null {
  const fields = new Set(names.initial);
  if (fields.size !== names.initial.length) return null;
  const formats: RowStage[] = [];
  for (const stage of stages) {
    const effect = stage?.effect;
    if (stage?.rows === undefined || effect === undefined) return null;
    if (effect.kind === "rename") {
      for (const move of effect.moves) {
        for (const name of [...fields]) {
          const to = move(name);
          if (to === null || to === name) continue;
          // only the datamodel prefix may go: a field renamed otherwise is a computed one
          if (names.times.has(name) || fields.has(to)) return null;
          if (names.plainName(to) !== names.plainName(name)) return null;
          fields.delete(name);
          fields.add(to);
        }
      }
      continue;
    }
    if (
      stage.convert !== true ||
      effect.kind !== "write" ||
      effect.assigns.length > 0 ||
      effect.matching === undefined
    )
      return null;
    for (const name of fields) if (effect.matching(name) && !names.times.has(name)) return null;
    formats.push(stage.rows);
  }
  const timeNames = new Set([...names.times].map(names.plainName));
  for (const name of fields)
    if (!names.times.has(name) && timeNames.has(names.plainName(name))) return null;
  return formats;
}
