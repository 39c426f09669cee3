/** Something that can be read as bytes, once or several times (a file, an S3 object, stdin). */
export interface ByteSource {
  /** `file:///abs/path`, `s3://bucket/key` or `stdin:`; used in findings and messages. */
  readonly uri: string;
  /** Size in bytes when known before reading (for progress and limits). */
  readonly size?: number;
  /** Set when the bytes can be read only once (stdin): a scan then makes a single pass. */
  readonly once?: true;
  /** Opens a fresh byte stream. Throws `InputError` when the bytes cannot be had. */
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/** The wrappers (compression, encodings) found around an input's content, outermost first. */
export type Wrapper = "gzip" | "json-string" | "tar" | "utf16le" | "utf8-bom" | "zip";
