import type { Worker } from "node:worker_threads";
import type { EventScanState } from "../EventScan.js";
import type { ParseIssue } from "../parse/types.js";
import type { SigmaRule } from "../rules/sigma/types.js";
import type { CompiledRule } from "../rules/types.js";
import { CHUNK_BYTES, cutXmlChunks } from "./cutXmlChunks.js";
import { ScanWorkerError } from "./errors.js";
import { startWorker } from "./startWorker.js";

/** The rule files every worker loads, as the thread that starts them loaded its rules. */
export interface RuleFiles {
  readonly rulePaths: readonly string[];
  readonly macroPaths: readonly string[];
}

/** Messages to a worker (see `chunkWorker.ts`). */
export type ToWorker =
  | { readonly kind: "begin"; readonly secondPass: boolean }
  | {
      readonly kind: "chunk";
      readonly seq: number;
      readonly bytes: Uint8Array;
      readonly line: number;
      readonly continues: boolean;
    }
  | { readonly kind: "end" };

/** Messages from a worker. */
export type FromWorker =
  | { readonly kind: "ready"; readonly ids: readonly string[] }
  | { readonly kind: "chunk"; readonly seq: number; readonly issues: readonly ParseIssue[] }
  | { readonly kind: "state"; readonly state: EventScanState }
  | { readonly kind: "fault"; readonly message: string };

/** Chunks a worker may hold at once (one being parsed, one waiting), so memory stays flat. */
const IN_FLIGHT = 2;

/** The ids a rule set is known by, in order: workers must hold exactly the caller's rules. */
export function ruleIds(
  rules: readonly CompiledRule[],
  sigmaRules: readonly SigmaRule[] = [],
): string[] {
  return [...rules.map((r) => `${r.meta.id}`), ...sigmaRules.map((r) => `sigma:${r.meta.id}`)];
}

interface Member {
  readonly worker: Worker;
  /** Replies awaited, first one first. */
  readonly waiting: ((reply: FromWorker) => void)[];
  /** Replies that came before anyone awaited them (`ready` while the caller loads its rules). */
  readonly early: FromWorker[];
  ids: readonly string[] | undefined;
  /** Set when the worker died: why. */
  failed?: string;
}

/**
 * Worker threads that each load the same rules once and scan pieces of one XML input at a time
 * (`scan`): the input is cut at event starts (`cutXmlChunks`), the pieces dealt to the workers in
 * turn, and each worker counts its pieces with its own `EventScan`, whose state the caller
 * absorbs at the end. Why: on one thread bench/run.ts (m) "many rules" is bound by the CPU
 * (parsing, matching and grouping every event), and splitting the rules over threads could
 * not pass ~1.5x (every thread parsed every event); split by events, the work divides.
 */
export class ChunkPool {
  private readonly members: Member[];
  private busy = false;

  constructor(
    files: RuleFiles,
    readonly jobs: number,
    private readonly sizes: { readonly target: number; readonly max: number } = CHUNK_BYTES,
  ) {
    this.members = Array.from({ length: jobs }, () => {
      const member: Member = {
        worker: startWorker(import.meta.url, "./chunkWorker", files),
        waiting: [],
        early: [],
        ids: undefined,
      };
      const deliver = (reply: FromWorker) => {
        const waiter = member.waiting.shift();
        if (waiter === undefined) member.early.push(reply);
        else waiter(reply);
      };
      member.worker.on("message", deliver);
      // every reply still awaited, and every later one, is this failure
      const fail = (message: string) => {
        member.failed = message;
        for (const w of member.waiting.splice(0)) w({ kind: "fault", message });
      };
      member.worker.on("error", (err) => fail(err.message));
      member.worker.on("exit", (code) => fail(`scan worker exited with code ${code}`));
      return member;
    });
  }

  /** Whether a worker has died: the pool cannot scan any more (start a new one). */
  get broken(): boolean {
    return this.members.some((m) => m.failed !== undefined);
  }

  /** The worker's next reply. */
  private reply(member: Member): Promise<FromWorker> {
    const early = member.early.shift();
    if (early !== undefined) return Promise.resolve(early);
    if (member.failed !== undefined)
      return Promise.resolve({ kind: "fault", message: member.failed });
    return new Promise((resolve) => member.waiting.push(resolve));
  }

  /**
   * Waits until every worker has loaded its rules, and checks they are `ids` (the caller's
   * `ruleIds`). `scan` does so itself; call it to wait for the workers beforehand.
   */
  async ready(ids: readonly string[]): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        if (m.ids === undefined) {
          const r = await this.reply(m);
          if (r.kind === "fault") {
            m.failed = r.message;
            throw new ScanWorkerError(`scan worker failed to start: ${r.message}`);
          }
          if (r.kind === "ready") m.ids = r.ids;
        }
        if (m.ids?.length !== ids.length || m.ids.some((id, i) => id !== ids[i]))
          throw new ScanWorkerError("scan workers hold other rules than the scan");
      }),
    );
  }

  /**
   * Scans the XML bytes of one input in the workers: `onIssue` gets every parse issue in input
   * order, and the result is each worker's state, for `EventScan.absorb`. `ids`: the caller's
   * `ruleIds`. One input at a time; throws when a worker fails.
   */
  async scan(
    stream: AsyncIterable<Uint8Array>,
    options: {
      readonly ids: readonly string[];
      readonly secondPass: boolean;
      readonly onIssue: (issue: ParseIssue) => void;
    },
  ): Promise<EventScanState[]> {
    if (this.busy) throw new Error("ChunkPool scans one input at a time");
    this.busy = true;
    try {
      await this.ready(options.ids);
      for (const m of this.members)
        m.worker.postMessage({ kind: "begin", secondPass: options.secondPass });
      // Issues of each piece, held until those of the pieces before it are out.
      const issues = new Map<number, readonly ParseIssue[]>();
      let nextOut = 0;
      const inFlight = this.members.map(() => [] as Promise<void>[]);
      let failure: Error | undefined;
      const take = (r: FromWorker, seq: number) => {
        if (r.kind === "fault") failure ??= new ScanWorkerError(r.message);
        if (r.kind !== "chunk") return;
        issues.set(seq, r.issues);
        for (let list = issues.get(nextOut); list !== undefined; list = issues.get(nextOut)) {
          issues.delete(nextOut++);
          for (const issue of list) options.onIssue(issue);
        }
      };
      let seq = 0;
      for await (const chunk of cutXmlChunks(stream, this.sizes)) {
        if (failure !== undefined) throw failure;
        const w = seq % this.members.length;
        const member = this.members[w] as Member;
        const queue = inFlight[w] as Promise<void>[];
        if (queue.length >= IN_FLIGHT) await queue.shift();
        const s = seq++;
        queue.push(this.reply(member).then((r) => take(r, s)));
        const message: ToWorker = { kind: "chunk", seq: s, ...chunk };
        member.worker.postMessage(message, [chunk.bytes.buffer as ArrayBuffer]);
      }
      await Promise.all(inFlight.flat());
      if (failure !== undefined) throw failure;
      return await Promise.all(
        this.members.map(async (m) => {
          const done = this.reply(m);
          m.worker.postMessage({ kind: "end" } satisfies ToWorker);
          const r = await done;
          if (r.kind !== "state")
            throw new ScanWorkerError(r.kind === "fault" ? r.message : "scan worker lost");
          return r.state;
        }),
      );
    } finally {
      this.busy = false;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }
}
