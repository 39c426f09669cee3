import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on the module `name` (without extension) beside the module at `base`
 * (its `import.meta.url`), with the same extension. Under tsx or vitest that module is `.ts`,
 * and Node 20 does not pass tsx's loader to a worker's entry point (ERR_UNKNOWN_FILE_EXTENSION
 * even with `execArgv: ["--import", "tsx"]`), so a one-line entry loads it with tsx's
 * `tsImport`.
 */
export function startWorker(base: string, name: string, workerData: unknown): Worker {
  // an ESM bundle (`index.mjs` in the Lambda asset) has its workers bundled beside it as `.mjs`
  if (base.endsWith(".mjs")) return new Worker(new URL(`${name}.mjs`, base), { workerData });
  if (!base.endsWith(".ts")) return new Worker(new URL(`${name}.js`, base), { workerData });
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL(`${name}.ts`, base).href);
  const code = `import(${tsx}).then((tsx) => tsx.tsImport(${entry}, ${JSON.stringify(base)}))`;
  return new Worker(code, { eval: true, workerData });
}
