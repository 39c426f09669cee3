export { EvtxFormatError } from "./errors.js";
export { formatArray, formatGuid, formatScalar } from "./formatValue.js";
export { parseEvtx } from "./parseEvtx.js";
export { formatFiletime, formatSystemtime } from "./time.js";
