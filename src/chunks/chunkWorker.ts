import { parentPort, workerData } from "node:worker_threads";
import { EventScan } from "../EventScan.js";
import { parseXmlEvents } from "../parse/parseXmlEvents.js";
import type { ParseIssue } from "../parse/types.js";
import { loadMacros, loadRules } from "../rules/loadRules.js";
import { type FromWorker, type RuleFiles, ruleIds, type ToWorker } from "./ChunkPool.js";

// A `ChunkPool` worker: loads the rules once, then for each input counts the pieces it is
// handed with one `EventScan` and hands back its state at the input's end.
const files = workerData as RuleFiles;
const port = parentPort;
const send = (message: FromWorker) => port?.postMessage(message);

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

try {
  const ruleSet = await loadRules(files.rulePaths, await loadMacros(files.macroPaths));
  const { rules, sigmaRules } = ruleSet;
  let scan: EventScan | undefined;
  let broken: unknown;
  // pieces are read one after the other, in the order they came
  let queue = Promise.resolve();
  const handle = async (m: ToWorker): Promise<void> => {
    if (m.kind === "begin") {
      // no reply to `begin`: a failure is the reply to the input's first piece (or its end)
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
      send({ kind: "state", state: s.state() });
      scan = undefined;
      return;
    }
    const issues: ParseIssue[] = [];
    const options = {
      onIssue: (issue: ParseIssue) => issues.push(issue),
      piece: { line: m.line, continues: m.continues },
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
