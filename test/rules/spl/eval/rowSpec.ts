import type { RowSpec } from "../../../../src/rules/spl/eval/pipeline.js";

/** A tstats row of process by-fields, count, first and last time and one aggregation. */
export const PROCESS_ROW_SPEC: RowSpec = {
  by: ["Processes.dest", "Processes.process_name", "Processes.process"],
  count: ["count"],
  minTime: ["firstTime"],
  maxTime: ["lastTime"],
  object: "Processes",
  aggregates: [{ raw: "process_ids", out: "process_ids" }],
};
