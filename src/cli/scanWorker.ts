import { parentPort, workerData } from "node:worker_threads";
import { fileSource } from "../input/fileSource.js";
import { loadMacros, loadRules } from "../rules/loadRules.js";
import { ruleSetOptions } from "../scan.js";
import { scanInput } from "./scanInput.js";
import type { WorkerJob, WorkerSetup } from "./scanInWorkers.js";

// A `--jobs` worker: loads the rules once, then scans the files the pool hands it, one at a time.
const setup = workerData as WorkerSetup;
const ruleSet = await loadRules(setup.rulePaths, await loadMacros(setup.macroPaths));
const options = ruleSetOptions(ruleSet);
const port = parentPort;
port?.on("message", (job: WorkerJob) => {
  scanInput(fileSource(job.path, job.size), options).then(
    (outcome) => port.postMessage({ index: job.index, outcome }),
    (err: unknown) => port.postMessage({ index: job.index, fault: err }),
  );
});
port?.postMessage({ ready: true });
