import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { EventScan, ownedBy } from "../EventScan.js";
import { parseXmlEvents } from "../parse/parseXmlEvents.js";
import type { ParseIssue } from "../parse/types.js";
import { loadMacros, loadRules } from "../rules/loadRules.js";
import { type RuleFiles, ruleIds } from "./ChunkPool.js";
import type { FromWorker, Piece, ToWorker } from "./messages.js";

// A `ChunkPool` worker: loads the rules once, then for each input counts the pieces it is
// handed with one `EventScan`; at the input's end it trades groups with the other workers so
// that it holds all of its own rules' and builds their findings (see `messages.ts`).
const files = workerData as RuleFiles;
const port = parentPort;
const send = (message: FromWorker) => port?.postMessage(message);

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** This worker's number and its channels to the others (`peers`). */
let self = 0;
let peers: readonly (MessagePort | null)[] = [];
/** Pieces the other workers sent for the current input, and a wake-up for whoever awaits them. */
const pieces: Piece[] = [];
let arrived: (() => void) | undefined;

/** The pieces of every other worker, in their order. */
async function allPieces(): Promise<Piece[]> {
  const expected = peers.filter((p) => p !== null).length;
  while (pieces.length < expected) await new Promise<void>((resolve) => (arrived = resolve));
  return pieces.splice(0).sort((a, b) => a.from - b.from);
}

try {
  const ruleSet = await loadRules(files.rulePaths, await loadMacros(files.macroPaths));
  const { rules, sigmaRules } = ruleSet;
  let scan: EventScan | undefined;
  let broken: unknown;
  // messages are handled one after the other, in the order they came (`peers`, sent when the
  // pool starts, waits in the port until the rules are loaded)
  let queue = Promise.resolve();
  const handle = async (m: ToWorker): Promise<void> => {
    if (m.kind === "peers") {
      self = m.self;
      peers = m.ports;
      for (const p of peers)
        p?.on("message", (piece: Piece) => {
          pieces.push(piece);
          arrived?.();
        });
      return;
    }
    if (m.kind === "begin") {
      // no reply to `begin`: a failure is the reply to the input's first piece (or its end)
      pieces.length = 0;
      try {
        scan = new EventScan({ rules, sigmaRules, secondPass: m.secondPass });
      } catch (err) {
        scan = undefined;
        broken = err;
      }
      return;
    }
    const s = scan;
    if (s === undefined) throw broken ?? new Error("no input begun");
    if (m.kind === "end") {
      send({ kind: "sizes", sizes: s.sizes() });
      return;
    }
    if (m.kind === "split") {
      const { owners, source } = m;
      peers.forEach((p, to) => {
        const piece: Piece = { from: self, state: s.state(ownedBy(owners, to, false)) };
        p?.postMessage(piece);
      });
      send({ kind: "state", state: s.state(ownedBy(owners, -1, true)) });
      s.absorb((await allPieces()).map((p) => p.state));
      send({ kind: "findings", built: s.ruleFindings(source, self, owners) });
      scan = undefined;
      return;
    }
    const issues: ParseIssue[] = [];
    const options = {
      onIssue: (issue: ParseIssue) => issues.push(issue),
      piece: {
        line: m.line,
        continues: m.continues,
        brokenOff: m.brokenOff === true,
        inTooLarge: m.inTooLarge === true,
      },
      ...(s.interest === undefined ? {} : { interest: s.interest }),
    };
    for await (const event of parseXmlEvents(once(m.bytes), options)) s.add(event);
    send({ kind: "chunk", seq: m.seq, issues });
  };
  port?.on("message", (m: ToWorker) => {
    queue = queue
      .then(() => handle(m))
      .catch((err: unknown) =>
        send({ kind: "fault", message: (err as Error).message ?? String(err) }),
      );
  });
  send({ kind: "ready", ids: ruleIds(rules, sigmaRules) });
} catch (err) {
  send({ kind: "fault", message: (err as Error).message ?? String(err) });
}
