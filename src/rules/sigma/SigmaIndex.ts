import type { WinEvent } from "../../parse/types.js";
import { ANY_EVENT, eventKey } from "./eventKey.js";
import type { SigmaRule, ViewTest } from "./types.js";

/** A rule variant that applies to some event key. */
export interface IndexedTest {
  readonly rule: SigmaRule;
  /** Position of the rule in the list the index was built from. */
  readonly ruleIndex: number;
  readonly test: ViewTest;
}

/**
 * The rules that apply to each event key, built once: per event only the rules for its
 * channel and event id run (plus channel-wide and product-wide ones), looked up with one map
 * access once the combination has been seen.
 */
export class SigmaIndex {
  private readonly exact = new Map<string, IndexedTest[]>();
  private readonly merged = new Map<string, readonly IndexedTest[]>();

  constructor(readonly rules: readonly SigmaRule[]) {
    rules.forEach((rule, ruleIndex) => {
      for (const variant of rule.variants) {
        for (const key of variant.keys) {
          const list = this.exact.get(key) ?? [];
          // A rule appears once per key even when two variants claim it (the first wins).
          if (!list.some((t) => t.ruleIndex === ruleIndex))
            list.push({ rule, ruleIndex, test: variant.test });
          this.exact.set(key, list);
        }
      }
    });
  }

  /** The tests to run for an event, in rule order. */
  candidates(event: WinEvent): readonly IndexedTest[] {
    const key = eventKey(event.channel, event.eventId);
    const hit = this.merged.get(key);
    if (hit !== undefined) return hit;
    const found = [
      ...(this.exact.get(key) ?? []),
      ...(this.exact.get(eventKey(event.channel, "*")) ?? []),
      ...(this.exact.get(ANY_EVENT) ?? []),
    ].sort((a, b) => a.ruleIndex - b.ruleIndex);
    const unique = found.filter((t, i) => i === 0 || found[i - 1]?.ruleIndex !== t.ruleIndex);
    this.merged.set(key, unique);
    return unique;
  }

  /** Event ids some rule needs, or `all` when a rule applies to any id of a channel or event. */
  eventIds(): ReadonlySet<number> | "all" {
    const ids = new Set<number>();
    for (const key of this.exact.keys()) {
      const id = key.slice(key.lastIndexOf("#") + 1);
      if (key === ANY_EVENT || id === "*") return "all";
      ids.add(Number(id));
    }
    return ids;
  }
}
