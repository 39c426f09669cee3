export { compileSigmaRule, mitreIds } from "./compileSigmaRule.js";
export { EventView } from "./EventView.js";
export { SigmaRuleError } from "./errors.js";
export { ANY_EVENT, eventKey } from "./eventKey.js";
export {
  compileSigmaText,
  dedupeSigma,
  isSigmaDocument,
  loadSigmaRules,
  looksLikeSigma,
  type SigmaRuleSet,
} from "./loadSigmaRules.js";
export {
  logsourceVariants,
  SECURITY_4688_FIELDS,
  SERVICE_CHANNELS,
  SYSMON_CATEGORY_EVENTS,
} from "./logsource.js";
export {
  compileRuleRegex,
  MAX_BACKTRACK_FACTOR,
  type RegexEngine,
} from "./regex/compileRuleRegex.js";
export { SigmaIndex } from "./SigmaIndex.js";
export type {
  SigmaLevel,
  SigmaLoad,
  SigmaMeta,
  SigmaOptions,
  SigmaRule,
  SigmaVariant,
} from "./types.js";
