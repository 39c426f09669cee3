import { ParseError } from "../errors.js";

/**
 * Bytes that are not valid EVTX where a structure was expected. Thrown only inside the EVTX
 * parser and turned into a `ParseIssue` for the record or chunk it concerns.
 */
export class EvtxFormatError extends ParseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("evtx-format", message, options);
    this.name = "EvtxFormatError";
  }
}
