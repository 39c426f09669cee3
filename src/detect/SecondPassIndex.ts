import type { CimRecord } from "../model/types.js";
import type { EventPosition } from "../parse/types.js";

/**
 * Bytes an index may hold before it gives up (and the second pass parses every record of its
 * datasets, as without one), so that its memory stays flat whatever the input: 8 bytes of
 * position and 4 per key shape a record (bench/run.ts (m): 5 shapes of process keys, so
 * ~600,000 process events, about 1 GB of Sysmon XML).
 */
export const SECOND_PASS_INDEX_BYTES = 16 * 1024 * 1024;

/** Positions are numbered by part (0: a plain input, else a member's ordinal), then line or record. */
const PART = 2 ** 32;

/** An event's position as one number, or undefined when it has no line or record number. */
function numberOf(position: EventPosition): number | undefined {
  const at = position.line ?? position.record;
  return at === undefined ? undefined : (position.part ?? 0) * PART + at;
}

/** What an index noted, as plain data (see `SecondPassIndex.state`); `full` when it gave up. */
export interface SecondPassIndexState {
  readonly full: boolean;
  readonly positions: Float64Array;
  readonly hashes: Uint32Array;
}

/** Whether the event at a position (as the scan sees it, see `partEvents`) may be needed. */
export type WantedPositions = (position: EventPosition) => boolean;

/**
 * Where the first pass saw each record of a deferred dataset, and the hashes of its join keys
 * (`keyHash`, one per key shape: the by-fields a join key reads), so that the second pass
 * parses only the events whose key the other side of a join has. Why: bench/run.ts (m),
 * unique-process corpus: the second pass parsed and mapped every process event again (~15% of
 * the scan) to keep the few groups a join can match.
 *
 * A hash collision only makes the second pass read an event it did not need (it still tests
 * every record's key); an event without a line or record number is always read.
 */
export class SecondPassIndex {
  private positions = new Float64Array(1024);
  private hashes: Uint32Array;
  private count = 0;
  private full = false;
  /** Records it holds at most. */
  private readonly max: number;

  /** `keys`: the hash of a record's join key in each shape (see `Aggregator`). */
  constructor(
    private readonly keys: readonly ((record: CimRecord) => number)[],
    bytes = SECOND_PASS_INDEX_BYTES,
  ) {
    this.max = Math.floor(bytes / (8 + 4 * keys.length));
    this.hashes = new Uint32Array(1024 * keys.length);
  }

  /** Notes a record of the first pass. */
  note(record: CimRecord): void {
    if (this.full) return;
    if (this.count === this.max) {
      this.giveUp();
      return;
    }
    if (this.count === this.positions.length) this.grow();
    this.positions[this.count] = numberOf(record.position) ?? -1;
    const keys = this.keys;
    const base = this.count * keys.length;
    for (let s = 0; s < keys.length; s++)
      this.hashes[base + s] = (keys[s] as (r: CimRecord) => number)(record);
    this.count++;
  }

  /** What it noted, for `absorb` in another thread. */
  state(): SecondPassIndexState {
    const n = this.keys.length;
    return {
      full: this.full,
      positions: this.positions.slice(0, this.count),
      hashes: this.hashes.slice(0, this.count * n),
    };
  }

  /** Adds what an index of the same keys noted over other records (its `state`), within the bound. */
  absorb(other: SecondPassIndexState): void {
    if (this.full) return;
    const count = this.count + other.positions.length;
    if (other.full || count > this.max) {
      this.giveUp();
      return;
    }
    while (this.positions.length < count) this.grow();
    this.positions.set(other.positions, this.count);
    this.hashes.set(other.hashes, this.count * this.keys.length);
    this.count = count;
  }

  private giveUp(): void {
    this.full = true;
    this.positions = new Float64Array(0);
    this.hashes = new Uint32Array(0);
  }

  private grow(): void {
    const size = Math.min(this.positions.length * 2, this.max);
    const positions = new Float64Array(size);
    positions.set(this.positions);
    const hashes = new Uint32Array(size * this.keys.length);
    hashes.set(this.hashes);
    this.positions = positions;
    this.hashes = hashes;
  }

  /**
   * The positions of the records some of whose key hashes are in `wanted` (per shape: the
   * hashes of the keys the other sides of the joins have; none when missing), or undefined
   * when the index gave up (read everything).
   */
  select(wanted: readonly (ReadonlySet<number> | undefined)[]): WantedPositions | undefined {
    if (this.full) return undefined;
    const none = new Set<number>();
    const chosen = new Set<number>();
    const n = this.keys.length;
    for (let r = 0; r < this.count; r++) {
      for (let s = 0; s < n; s++) {
        if ((wanted[s] ?? none).has(this.hashes[r * n + s] as number)) {
          chosen.add(this.positions[r] as number);
          break;
        }
      }
    }
    return (position) => {
      const at = numberOf(position);
      return at === undefined || chosen.has(at);
    };
  }
}

/** Positions wanted by any of `list`; undefined (everything) when one of them wants everything. */
export function anyOf(list: readonly (WantedPositions | undefined)[]): WantedPositions | undefined {
  if (list.some((w) => w === undefined)) return undefined;
  const all = list as readonly WantedPositions[];
  return all.length === 1 ? all[0] : (position) => all.some((w) => w(position));
}
