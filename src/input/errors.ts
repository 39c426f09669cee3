import { SysmonHuntError } from "../errors.js";
import { aboutInput } from "./inputMessage.js";

/** The bytes of an input could not be read: missing file, forbidden object, corrupt wrapper. */
export class InputError extends SysmonHuntError {
  /** The input's URI (`file://...`, `s3://...`, `stdin:`). */
  readonly uri: string;

  constructor(code: string, uri: string, message: string, options?: { cause?: unknown }) {
    super(code, aboutInput(uri, message), options);
    this.name = "InputError";
    this.uri = uri;
  }
}

/** A Lambda event or queue message that is not an S3 notification this product understands. */
export class NotificationError extends SysmonHuntError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("bad-notification", message, options);
    this.name = "NotificationError";
  }
}
