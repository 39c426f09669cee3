import type { CimRecord } from "../model/types.js";
import type { FieldReader } from "../rules/types.js";

/** A field's lower-cased value, and the record it was read for (see `LowercaseReader`). */
interface Cached {
  stamp: number;
  value: string | undefined;
}

/**
 * Reads the fields of one record at a time, lower-casing each at most once per record however
 * many rules ask for it: rule predicates compare against lower-cased patterns (Splunk matching
 * is case-insensitive). One reader serves a whole scan: a reader made per record was ~6% of the
 * allocations of `bench/run.ts` (m) "many rules". Each field name has one cache entry for the
 * scan, valid while its stamp is the current record's, so that a new record costs no clearing
 * and a field read again (present or missing) no hashing into a per-record cache. Why: that
 * cache's `get`/`set`/`clear` were ~5% of (m).
 */
export class LowercaseReader {
  /** By field name: the rules' fields, a bounded set. */
  private readonly cache = new Map<string, Cached>();
  private fields: Readonly<Partial<Record<string, string>>> = {};
  private stamp = 0;

  /** Reads `field` of the current record, lower-cased (undefined when the record lacks it). */
  readonly read: FieldReader = (field) => {
    let cached = this.cache.get(field);
    if (cached === undefined) {
      cached = { stamp: -1, value: undefined };
      this.cache.set(field, cached);
    } else if (cached.stamp === this.stamp) return cached.value;
    cached.stamp = this.stamp;
    cached.value = this.fields[field]?.toLowerCase();
    return cached.value;
  };

  /** Points the reader at `record` and gives its `read`. */
  reset(record: CimRecord): FieldReader {
    this.fields = record.fields;
    // stamps start again, every entry stale, long before they would lose integer precision
    if (++this.stamp === 0x3fffffff) {
      this.stamp = 1;
      for (const c of this.cache.values()) c.stamp = -1;
    }
    return this.read;
  }
}
