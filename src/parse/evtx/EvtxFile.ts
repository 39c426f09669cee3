import { plural } from "../../plural.js";
import type { ParseIssue } from "../types.js";
import { Chunk } from "./Chunk.js";
import { crc32, crc32Of2 } from "./crc32.js";
import { EventBuilder } from "./EventBuilder.js";
import { CHUNK_HEADER, EVTX, FILE_HEADER } from "./layout.js";
import { type RecordSink, readRecords } from "./readRecords.js";

const FILE_MAGIC = Buffer.from("ElfFile\0", "latin1");
const CHUNK_MAGIC = Buffer.from("ElfChnk\0", "latin1");
const ZEROS = Buffer.alloc(EVTX.chunkSize);

/** True when every byte of `buf` (at most 64 KiB) is zero. */
export function isZero(buf: Buffer): boolean {
  return buf.equals(ZEROS.subarray(0, buf.length));
}

/** True when `buf` starts with the chunk signature (and is long enough to tell). */
export function isChunkStart(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(CHUNK_MAGIC);
}

/** State of one parse between blocks: what the file header said and what was seen since. */
export class EvtxFile {
  /** Chunk count from the file header (chunks past it are read too, as in dirty files). */
  headerChunks = 0;
  chunksSeen = 0;
  private readonly builder = new EventBuilder();

  constructor(private readonly sink: RecordSink) {}

  private issue(
    code: string,
    message: string,
    offset: number,
    severity: ParseIssue["severity"] = "error",
  ): void {
    this.sink.onIssue({ code, message, offset, severity });
  }

  header(buf: Buffer): void {
    if (buf.length < EVTX.fileHeaderSize) {
      this.issue(
        "truncated-file",
        `file ends after ${buf.length} bytes, inside its ${EVTX.fileHeaderSize}-byte header`,
        0,
      );
      return;
    }
    if (!buf.subarray(0, 8).equals(FILE_MAGIC)) {
      this.issue(
        "bad-file-header",
        "no ElfFile signature; reading chunks by their own signature",
        0,
      );
      return;
    }
    this.headerChunks = buf.readUInt16LE(FILE_HEADER.chunkCount);
    if (crc32(buf, 0, EVTX.fileHeaderCrcLength) !== buf.readUInt32LE(FILE_HEADER.crc)) {
      this.issue(
        "header-crc-mismatch",
        "file header checksum mismatch; header values may be wrong",
        0,
      );
    }
  }

  /**
   * A 64 KiB block (or the cut-short last one) without the chunk signature: nothing when all
   * zeros (space Windows preallocated), else reported. The bytes themselves are not needed.
   */
  notAChunk(allZero: boolean): void {
    const index = this.chunksSeen++;
    if (allZero) return;
    const where = `chunk ${index} (file offset ${EVTX.fileHeaderSize + index * EVTX.chunkSize})`;
    if (index < this.headerChunks) {
      this.issue("bad-chunk-magic", `${where}: no ElfChnk signature; chunk skipped`, index);
    } else {
      this.issue(
        "chunk-slack",
        `${where}: past the header's ${plural(this.headerChunks, "chunk")} and not a chunk; skipped`,
        index,
        "skip",
      );
    }
  }

  /** One chunk's bytes (`buf.length` < 64 KiB only for the last, cut-short chunk). */
  chunk(buf: Buffer): void {
    if (!isChunkStart(buf)) {
      this.notAChunk(isZero(buf));
      return;
    }
    const index = this.chunksSeen++;
    const where = `chunk ${index} (file offset ${EVTX.fileHeaderSize + index * EVTX.chunkSize})`;
    if (buf.length < EVTX.chunkHeaderSize) {
      this.issue("truncated-chunk", `${where}: file ends inside the chunk header`, index);
      return;
    }
    if (buf.length < EVTX.chunkSize) {
      this.issue(
        "truncated-chunk",
        `${where}: file ends after ${buf.length} of its ${EVTX.chunkSize} bytes; reading the whole records present`,
        index,
      );
    }
    const headerCrc = crc32Of2(buf, 0, 120, 128, EVTX.chunkHeaderSize);
    if (headerCrc !== buf.readUInt32LE(CHUNK_HEADER.headerCrc)) {
      this.issue(
        "chunk-crc-mismatch",
        `${where}: chunk header checksum mismatch; reading it anyway`,
        index,
      );
    }
    const free = buf.readUInt32LE(CHUNK_HEADER.freeSpaceOffset);
    // Records end at the free-space offset: the chunk's bytes past it (unused space, or stale
    // ones in a dirty file) are never read, so ChunkAssembler need not copy them.
    let used = buf.length;
    if (free < EVTX.chunkHeaderSize || free > EVTX.chunkSize) {
      this.issue(
        "chunk-crc-mismatch",
        `${where}: free-space offset ${free} is impossible; reading records by their signature`,
        index,
      );
    } else if (free <= buf.length) {
      used = free;
      if (crc32(buf, EVTX.chunkHeaderSize, free) !== buf.readUInt32LE(CHUNK_HEADER.dataCrc)) {
        this.issue(
          "chunk-crc-mismatch",
          `${where}: records checksum mismatch; reading them anyway`,
          index,
        );
      }
    }
    const cutShort = used === buf.length && buf.length < EVTX.chunkSize;
    readRecords(new Chunk(buf.subarray(0, used)), index, cutShort, this.builder, this.sink);
  }

  end(): void {
    if (this.chunksSeen < this.headerChunks) {
      this.issue(
        "truncated-file",
        `file header lists ${plural(this.headerChunks, "chunk")} but the file holds ${this.chunksSeen}`,
        this.chunksSeen,
      );
    }
  }
}
