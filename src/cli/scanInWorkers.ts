import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../chunks/startWorker.js";
import type { ByteSource } from "../input/types.js";
import type { InputOutcome } from "./scanInput.js";

/** What every worker loads once: the same rule and macro paths the main thread loaded. */
export interface WorkerSetup {
  readonly rulePaths: readonly string[];
  readonly macroPaths: readonly string[];
}

/** One file handed to a worker. */
export interface WorkerJob {
  readonly index: number;
  readonly path: string;
  readonly size?: number;
}

type WorkerReply =
  | { readonly ready: true }
  | { readonly index: number; readonly outcome: InputOutcome }
  | { readonly index: number; readonly fault: unknown };

function scanWorker(setup: WorkerSetup): Worker {
  return startWorker(import.meta.url, "./scanWorker", setup);
}

/**
 * Scans local files in `jobs` worker threads (the caller keeps it at most the number of files),
 * each handed one file at a time in input order.
 * `onOutcome` sees every outcome in input order (a finished file waits for those before it), so
 * the caller's output is the same as scanning them one by one. Rejects on any other error.
 */
export async function scanInWorkers(
  sources: readonly ByteSource[],
  setup: WorkerSetup,
  jobs: number,
  onOutcome: (outcome: InputOutcome) => void,
): Promise<void> {
  const outcomes = new Map<number, InputOutcome>();
  const workers: Worker[] = [];
  let next = 0;
  let emitted = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const handOut = (worker: Worker) => {
        const source = sources[next];
        if (source === undefined) return;
        const job: WorkerJob = {
          index: next++,
          path: fileURLToPath(source.uri),
          ...(source.size === undefined ? {} : { size: source.size }),
        };
        worker.postMessage(job);
      };
      for (let i = 0; i < jobs; i++) {
        const worker = scanWorker(setup);
        workers.push(worker);
        worker.on("error", reject);
        worker.on("exit", (code) => {
          if (emitted < sources.length) reject(new Error(`scan worker exited with code ${code}`));
        });
        worker.on("message", (reply: WorkerReply) => {
          if ("fault" in reply) return reject(reply.fault);
          if ("outcome" in reply) {
            outcomes.set(reply.index, reply.outcome);
            try {
              for (let o = outcomes.get(emitted); o !== undefined; o = outcomes.get(emitted)) {
                outcomes.delete(emitted);
                emitted++;
                onOutcome(o);
              }
            } catch (err) {
              return reject(err);
            }
            if (emitted === sources.length) return resolve();
          }
          handOut(worker);
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
