import { detach } from "../../parse/detach.js";
import type { AhoCorasick } from "./AhoCorasick.js";

/** Values remembered at most (then forgotten all at once): ~1 MB of keys at 100 characters. */
const MAX_ENTRIES = 8192;
/** Lookups between two looks at the hit rate. */
const WINDOW = 4096;
/** Below this share of remembered values in a window, the memo pauses... */
const MIN_HIT_SHARE = 0.25;
/** ...for this many values, then tries again. */
const PAUSE = 65536;

/**
 * One automaton's scans of lower-cased field values (`AhoCorasick.scanLower`), remembered by
 * value: a value seen before gives its needle ids from a hash lookup instead of a scan. Field
 * values repeat: in the shared attack data (1,626 Sysmon 1 events of many hosts) the distinct
 * share is 2-3% for Product, Company and User, 15% for Image, 20% for Hashes, 24% for
 * ParentCommandLine, 71% for CommandLine; production logs repeat more. A field whose values
 * do not repeat (under a quarter found in a window of 4,096) is scanned without the memo for
 * the next 65,536 values, so the memo never costs more than its hash lookups in a window.
 * Why: `bench/run.ts` (m) "many rules": the Sigma pre-filter scans ~600 characters of each
 * Sysmon 1 event, ~10% of the scan with the automata in cache and more when the rest of the
 * scan has evicted them. (The bench corpus repeats the shared events, so its memo hit rate is
 * higher than real logs'.)
 */
export class MemoScan {
  private readonly memo = new Map<string, Int32Array>();
  private lookups = 0;
  private remembered = 0;
  /** Values left to scan without the memo. */
  private paused = 0;

  constructor(readonly automaton: AhoCorasick) {}

  /** `automaton.scanLower(text, hits)`, remembered. */
  scan(text: string, hits: Int32Array): number {
    if (this.paused > 0) {
      this.paused--;
      return this.automaton.scanLower(text, hits);
    }
    if (++this.lookups === WINDOW) this.review();
    const known = this.memo.get(text);
    if (known !== undefined) {
      this.remembered++;
      hits.set(known);
      return known.length;
    }
    const found = this.automaton.scanLower(text, hits);
    if (this.memo.size >= MAX_ENTRIES) this.memo.clear();
    // a copy of the key: a value the parser sliced from its text would keep that text alive
    this.memo.set(detach(text), hits.slice(0, found));
    return found;
  }

  private review(): void {
    if (this.remembered < WINDOW * MIN_HIT_SHARE) {
      this.paused = PAUSE;
      this.memo.clear();
    }
    this.lookups = 0;
    this.remembered = 0;
  }
}
