import type { WinEvent } from "../../parse/types.js";

/** How a compiled rule reads one field of an event; `key` names it in the per-event cache. */
export interface FieldRef {
  readonly key: string;
  readonly read: (event: WinEvent) => string | undefined;
}

/**
 * One event as the Sigma rules see it. Many rules test the same fields, so each field is
 * lower-cased at most once per event (Sigma matching is case-insensitive by default) and the
 * lower-cased values for keyword search are built only when a keyword rule asks for them.
 */
export class EventView {
  private readonly lowerCache = new Map<string, string | undefined>();
  private allLower: readonly string[] | undefined;

  constructor(public event: WinEvent) {}

  /**
   * Points the view at another event, so that one view (and its cache) serves a whole scan:
   * garbage collection was ~8% of `bench/run.ts` (m) "many rules", and a view is made per event.
   */
  reset(event: WinEvent): void {
    this.event = event;
    this.lowerCache.clear();
    this.allLower = undefined;
  }

  raw(field: FieldRef): string | undefined {
    return field.read(this.event);
  }

  lower(field: FieldRef): string | undefined {
    const cache = this.lowerCache;
    const hit = cache.get(field.key);
    if (hit !== undefined || cache.has(field.key)) return hit;
    const v = field.read(this.event)?.toLowerCase();
    cache.set(field.key, v);
    return v;
  }

  /** Every `EventData`/`UserData` value, lower-cased (keyword search). */
  lowerValues(): readonly string[] {
    if (this.allLower === undefined) {
      this.allLower = Object.values(this.event.data).map((v) => v.toLowerCase());
    }
    return this.allLower;
  }

  /** Every `EventData`/`UserData` value as written (regex keyword search). */
  rawValues(): readonly string[] {
    return Object.values(this.event.data);
  }
}
