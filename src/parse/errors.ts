import { SysmonHuntError } from "../errors.js";

/** Raised only for whole-input failures (unknown format); bad records become `ParseIssue`s. */
export class ParseError extends SysmonHuntError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "ParseError";
  }
}

export class UnknownFormatError extends ParseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("unknown-format", message, options);
    this.name = "UnknownFormatError";
  }
}
