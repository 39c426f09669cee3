import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { SourceRef } from "../detect/types.js";
import type { EventScanState, RuleFindings, RuleOwners } from "../EventScan.js";
import type { ParseIssue } from "../parse/types.js";
import type { SigmaRule } from "../rules/sigma/types.js";
import type { CompiledRule } from "../rules/types.js";
import { assignRules } from "./assignRules.js";
import { CHUNK_BYTES, cutXmlChunks } from "./cutXmlChunks.js";
import { ScanWorkerError } from "./errors.js";
import type { FromWorker, ToWorker } from "./messages.js";
import { startWorker } from "./startWorker.js";

/** The rule files every worker loads, as the thread that starts them loaded its rules. */
export interface RuleFiles {
  readonly rulePaths: readonly string[];
  readonly macroPaths: readonly string[];
}

/** What `ChunkPool.scan` hands back once the workers have read the whole input. */
export interface SplitScan {
  /**
   * For `EventScan.absorb` in the scan's thread: the workers' event counts, rule faults and
   * second-pass index, and their groups of the rules whose findings that thread builds.
   */
  readonly states: readonly EventScanState[];
  /** Which thread builds each rule's findings (-1: the scan's). */
  readonly owners: RuleOwners;
  /**
   * The findings the workers build meanwhile, from all the groups of their rules (rejects when
   * a worker fails; a rejection nobody awaits is not unhandled).
   */
  readonly built: Promise<RuleFindings[]>;
  /**
   * Set when reading the input failed: what it threw. The states and findings are those of
   * everything read before it, as a scan in one thread keeps them.
   */
  readonly readError?: unknown;
}

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
 * turn, and each worker counts its pieces with its own `EventScan`. At the end the workers
 * trade groups so that each holds all of its share of the rules and builds their findings; the
 * caller absorbs the rest (`SplitScan`). Why: on one thread bench/run.ts (m) "many rules" is
 * bound by the CPU (parsing, matching and grouping every event), and splitting the rules over
 * threads could not pass ~1.5x (every thread parsed every event); split by events, the work
 * divides. Why the findings too: built in the caller's thread, they were ~1.7 s of its ~2.7 s
 * alone after the workers' 4.8 s first pass in (m) on 2 cores, a bound on any number of cores.
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
    // a channel between each two workers, for the groups they trade at an input's end
    const ports = this.members.map(() => this.members.map((): MessagePort | null => null));
    for (let i = 0; i < jobs; i++)
      for (let j = i + 1; j < jobs; j++) {
        const { port1, port2 } = new MessageChannel();
        (ports[i] as (MessagePort | null)[])[j] = port1;
        (ports[j] as (MessagePort | null)[])[i] = port2;
      }
    this.members.forEach((m, self) => {
      const own = ports[self] as (MessagePort | null)[];
      const message: ToWorker = { kind: "peers", self, ports: own };
      m.worker.postMessage(
        message,
        own.filter((p): p is MessagePort => p !== null),
      );
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
   * order. Then the rules are shared out (`assignRules`, the `pinned` ones to this thread), the
   * workers trade their groups so that each holds all of its rules', and build their findings
   * (`SplitScan.built`). `ids`: the caller's `ruleIds`; `source`: the input in findings. One
   * input at a time; throws when a worker fails.
   */
  async scan(
    stream: AsyncIterable<Uint8Array>,
    options: {
      readonly ids: readonly string[];
      readonly secondPass: boolean;
      readonly onIssue: (issue: ParseIssue) => void;
      readonly pinned: readonly boolean[];
      readonly source: SourceRef;
    },
  ): Promise<SplitScan> {
    if (this.busy) throw new Error("ChunkPool scans one input at a time");
    this.busy = true;
    let handedOver = false;
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
      let read: { readonly error: unknown } | undefined;
      try {
        for await (const chunk of cutXmlChunks(stream, this.sizes)) {
          if (failure !== undefined) break;
          const w = seq % this.members.length;
          const member = this.members[w] as Member;
          const queue = inFlight[w] as Promise<void>[];
          if (queue.length >= IN_FLIGHT) await queue.shift();
          const s = seq++;
          queue.push(this.reply(member).then((r) => take(r, s)));
          const message: ToWorker = { kind: "chunk", seq: s, ...chunk };
          member.worker.postMessage(message, [chunk.bytes.buffer as ArrayBuffer]);
        }
      } catch (error) {
        // reading broke off (corrupt gzip, lost connection): the pieces read before it, the
        // last one cut where it broke off, are scanned to the end like the whole of an input
        read = { error };
      }
      await Promise.all(inFlight.flat());
      if (failure !== undefined) throw failure;
      const sizes = await this.ask({ kind: "end" }, "sizes");
      const jobs = this.members.length;
      const owners = assignRules(
        sizes.map((r) => r.sizes),
        options.pinned,
        jobs,
      );
      const states = await this.ask({ kind: "split", owners, source: options.source }, "state");
      // settles when the last worker is done, or at the first failure (the others may then
      // never answer: a failed worker's groups never reach them, and the pool is broken)
      const built = Promise.all(
        this.members.map(async (m) => this.expect(m, await this.reply(m), "findings").built),
      );
      const done = () => {
        this.busy = false;
      };
      built.then(done, done);
      handedOver = true;
      const readError = read === undefined ? {} : { readError: read.error };
      return { states: states.map((r) => r.state), owners, built, ...readError };
    } finally {
      if (!handedOver) this.busy = false;
    }
  }

  /** Sends `message` to every worker and awaits each one's `kind` reply. */
  private async ask<K extends FromWorker["kind"]>(
    message: ToWorker,
    kind: K,
  ): Promise<Extract<FromWorker, { kind: K }>[]> {
    return Promise.all(
      this.members.map(async (m) => {
        const done = this.reply(m);
        m.worker.postMessage(message);
        return this.expect(m, await done, kind);
      }),
    );
  }

  /**
   * The reply if it is of `kind`. Else the worker's state after an input's end is unknown (it
   * may wait for groups that never come), so it counts as failed and the pool is broken.
   */
  private expect<K extends FromWorker["kind"]>(
    m: Member,
    r: FromWorker,
    kind: K,
  ): Extract<FromWorker, { kind: K }> {
    if (r.kind === kind) return r as Extract<FromWorker, { kind: K }>;
    const message = r.kind === "fault" ? r.message : `scan worker sent ${r.kind}, not ${kind}`;
    m.failed ??= message;
    throw new ScanWorkerError(message);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }
}
