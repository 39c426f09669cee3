import type { WinEvent } from "../../parse/types.js";

/** How a compiled rule reads one field of an event; `key` names it, `slot` numbers it (`fieldSlot`). */
export interface FieldRef {
  readonly key: string;
  readonly slot: number;
  readonly read: (event: WinEvent) => string | undefined;
}

/** Numbers of field keys, shared by every rule set: a key's slot in the per-event cache. */
const slots = new Map<string, number>();

/** The cache slot of a field key (the same for every `FieldRef` of that key). */
export function fieldSlot(key: string): number {
  let slot = slots.get(key);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(key, slot);
  }
  return slot;
}

/**
 * One event as the Sigma rules see it. Many rules test the same fields, so each field is
 * lower-cased at most once per event (Sigma matching is case-insensitive by default) and the
 * lower-cased values for keyword search are built only when a keyword rule asks for them.
 */
export class EventView {
  /**
   * Lower-cased values by field slot, valid where `stamps[slot] === stamp`. Why: the cache as
   * a `Map` by field key (cleared per event) was a quarter of the Sigma pre-filter's time in
   * `bench/run.ts` (m) "many rules", which reads ~15 fields of every Sysmon 1 event.
   */
  private lowered: (string | undefined)[] = [];
  private stamps = new Uint32Array(64);
  private stamp = 1;
  private allLower: readonly string[] | undefined;

  constructor(public event: WinEvent) {}

  /**
   * Points the view at another event, so that one view (and its cache) serves a whole scan:
   * garbage collection was ~8% of `bench/run.ts` (m) "many rules", and a view is made per event.
   */
  reset(event: WinEvent): void {
    this.event = event;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    this.allLower = undefined;
  }

  raw(field: FieldRef): string | undefined {
    return field.read(this.event);
  }

  lower(field: FieldRef): string | undefined {
    const slot = field.slot;
    if (slot < this.stamps.length && this.stamps[slot] === this.stamp) return this.lowered[slot];
    const v = field.read(this.event)?.toLowerCase();
    if (slot >= this.stamps.length) {
      const grown = new Uint32Array(Math.max(slot + 1, this.stamps.length * 2));
      grown.set(this.stamps);
      this.stamps = grown;
    }
    this.stamps[slot] = this.stamp;
    this.lowered[slot] = v;
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
