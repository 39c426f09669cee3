/**
 * What a row stage does to field names, as far as the join pushdown needs to know: it only
 * filters rows, renames fields, or writes (some copying another field). A stage without an
 * effect may do anything, and stops the analysis.
 */
export type Effect =
  /** `reads`: the fields the filter reads (see `filterPrefix`). */
  | { readonly kind: "filter"; readonly reads: ReadonlySet<string> }
  | { readonly kind: "rename"; readonly moves: ReadonlyArray<(name: string) => string | null> }
  /** `table`/`fields`: the fields not kept are removed. */
  | { readonly kind: "keep"; readonly keeps: (name: string) => boolean }
  | {
      readonly kind: "write";
      /** Fields written in place: a field matching one of these becomes unknown. */
      readonly matching?: (name: string) => boolean;
      /**
       * Fields assigned in order; `from` when the value is a copy of that field, `reads` the
       * fields its value is computed from, when known (not for `convert ... as`).
       */
      readonly assigns: ReadonlyArray<{
        readonly to: string;
        readonly from?: string;
        readonly reads?: ReadonlySet<string>;
      }>;
    };

/**
 * For rows reached from the tstats row only through stages that filter, rename, copy or keep
 * fields: the index of the tstats by-field each of `joinFields` still holds unchanged, or null
 * when one may hold anything else. `initial` is every field name of the tstats row.
 *
 * Why: a join detection often joins a tstats over every process with a few rows of another
 * dataset. A group whose by-values form no key of the other side is dropped by the join
 * anyway, so its row need not be built and piped (scans of Sysmon XML with unique processes
 * spent most of their time there).
 */
export function joinKeySources(
  by: readonly string[],
  initial: readonly string[],
  effects: ReadonlyArray<Effect | undefined>,
  joinFields: readonly string[],
): number[] | null {
  if (joinFields.length === 0) return null;
  // current field name -> by-field index, or null when its value is not a by-value
  const state = new Map<string, number | null>();
  for (const name of initial) state.set(name, null);
  by.forEach((name, i) => {
    state.set(name, i);
  });
  for (const effect of effects) {
    if (effect === undefined) return null;
    if (effect.kind === "filter") continue;
    if (effect.kind === "keep") {
      for (const name of [...state.keys()]) if (!effect.keeps(name)) state.delete(name);
      continue;
    }
    if (effect.kind === "rename") {
      for (const move of effect.moves) {
        for (const name of [...state.keys()]) {
          const to = move(name);
          if (to === null || to === name || !state.has(name)) continue;
          const v = state.get(name) as number | null;
          state.delete(name);
          state.delete(to);
          state.set(to, v);
        }
      }
      continue;
    }
    if (effect.matching !== undefined)
      for (const name of state.keys()) if (effect.matching(name)) state.set(name, null);
    for (const { to, from } of effect.assigns) {
      if (from === undefined) state.set(to, null);
      else if (state.has(from)) state.set(to, state.get(from) as number | null);
      // `eval a = b` with no `b` is null, which unsets `a`
      else state.delete(to);
    }
  }
  const sources: number[] = [];
  for (const f of joinFields) {
    const source = state.get(f);
    if (source === undefined || source === null) return null;
    sources.push(source);
  }
  return sources;
}
