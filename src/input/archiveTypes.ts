/** One file inside a zip or tar archive; `data` must be read (or abandoned) before the next. */
export interface ArchiveMember {
  readonly name: string;
  readonly data: AsyncIterable<Buffer>;
}

/** Archive limits: they bound memory on hostile input, never the size of a member. */
export const ARCHIVE_LIMITS = {
  /** Largest tar PAX header or GNU long-name block we read into memory. */
  maxMetaBytes: 1024 * 1024,
} as const;
