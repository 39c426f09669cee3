export { JSON_LIMITS } from "./JsonSplitter.js";
export { looksLikeJson } from "./looksLikeJson.js";
export { parseJsonEvents } from "./parseJsonEvents.js";
