import type { MessagePort } from "node:worker_threads";
import type { SourceRef } from "../detect/types.js";
import type { EventScanState, RuleFindings, RuleOwners, RuleSizes } from "../EventScan.js";
import type { ParseIssue } from "../parse/types.js";
import type { XmlChunk } from "./cutXmlChunks.js";

/**
 * Messages to a `ChunkPool` worker (see `chunkWorker.ts`). Per input: `begin`, its `chunk`s,
 * `end` (the worker answers `sizes`), then `split`: the worker hands each other worker the
 * groups of that one's rules (a `Piece`, over their own channel), answers `state` with what
 * the scan's thread keeps, and `findings` once it has built those of its own rules.
 */
export type ToWorker =
  | {
      readonly kind: "peers";
      /** The worker's number in the pool. */
      readonly self: number;
      /** A channel to each other worker, by number (null for itself). */
      readonly ports: readonly (MessagePort | null)[];
    }
  | { readonly kind: "begin"; readonly secondPass: boolean }
  | ({ readonly kind: "chunk"; readonly seq: number } & XmlChunk)
  | { readonly kind: "end" }
  | { readonly kind: "split"; readonly owners: RuleOwners; readonly source: SourceRef };

/** Messages from a worker. */
export type FromWorker =
  | { readonly kind: "ready"; readonly ids: readonly string[] }
  | { readonly kind: "chunk"; readonly seq: number; readonly issues: readonly ParseIssue[] }
  | { readonly kind: "sizes"; readonly sizes: RuleSizes }
  | { readonly kind: "state"; readonly state: EventScanState }
  | { readonly kind: "findings"; readonly built: RuleFindings }
  | { readonly kind: "fault"; readonly message: string };

/** From one worker to another: the groups of the receiver's rules that the sender counted. */
export interface Piece {
  readonly from: number;
  readonly state: EventScanState;
}
