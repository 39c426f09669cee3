export { compileCondition, compileExpression } from "./compileEval.js";
export { keyHash } from "./keyHash.js";
export { type ConvertedRegex, convertPcre } from "./pcre.js";
export {
  compilePipes,
  type FirstJoin,
  type GroupInput,
  type GroupKey,
  type GroupTest,
  type JoinKeyTest,
  type Pipeline,
  type PipelineRow,
  type PipeOptions,
  type RecordFilter,
  type RowSpec,
} from "./pipeline.js";
export type { Row, Scalar, Value } from "./values.js";
