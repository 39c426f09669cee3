import type { ParseIssue, ParseOptions, WinEvent } from "../types.js";
import { Chunk } from "./Chunk.js";
import { crc32, crc32Of2 } from "./crc32.js";
import { EventBuilder } from "./EventBuilder.js";
import { CHUNK_HEADER, EVTX, FILE_HEADER } from "./layout.js";
import { type RecordSink, readRecords } from "./readRecords.js";

const FILE_MAGIC = Buffer.from("ElfFile\0", "latin1");
const CHUNK_MAGIC = Buffer.from("ElfChnk\0", "latin1");
const ZEROS = Buffer.alloc(EVTX.chunkSize);

function isZero(buf: Buffer): boolean {
  return buf.equals(ZEROS.subarray(0, buf.length));
}

/** State of one parse between blocks: what the file header said and what was seen since. */
class EvtxFile {
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

  /** One chunk's bytes (`buf.length` < 64 KiB only for the last, cut-short chunk). */
  chunk(buf: Buffer): void {
    const index = this.chunksSeen++;
    const where = `chunk ${index} (file offset ${EVTX.fileHeaderSize + index * EVTX.chunkSize})`;
    if (buf.length < 8 || !buf.subarray(0, 8).equals(CHUNK_MAGIC)) {
      // All zeros: space Windows preallocated and never used.
      if (isZero(buf)) return;
      if (index < this.headerChunks)
        this.issue("bad-chunk-magic", `${where}: no ElfChnk signature; chunk skipped`, index);
      else
        this.issue(
          "chunk-slack",
          `${where}: past the header's ${this.headerChunks} chunks and not a chunk; skipped`,
          index,
          "skip",
        );
      return;
    }
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
    if (free < EVTX.chunkHeaderSize || free > EVTX.chunkSize) {
      this.issue(
        "chunk-crc-mismatch",
        `${where}: free-space offset ${free} is impossible; reading records by their signature`,
        index,
      );
    } else if (
      free <= buf.length &&
      crc32(buf, EVTX.chunkHeaderSize, free) !== buf.readUInt32LE(CHUNK_HEADER.dataCrc)
    ) {
      this.issue(
        "chunk-crc-mismatch",
        `${where}: records checksum mismatch; reading them anyway`,
        index,
      );
    }
    readRecords(new Chunk(buf), index, this.builder, this.sink);
  }

  end(): void {
    if (this.chunksSeen < this.headerChunks) {
      this.issue(
        "truncated-file",
        `file header lists ${this.headerChunks} chunks but the file holds ${this.chunksSeen}`,
        this.chunksSeen,
      );
    }
  }
}

/**
 * Windows EVTX from a byte stream that need not be seekable (an S3 body): the 4 KiB file
 * header, then each 64 KiB chunk as soon as its bytes have arrived, whatever the piece sizes.
 * Holds one chunk (plus the piece being read) at a time. Checksums are verified and a mismatch
 * reported, not fatal; chunks past the header's count are read when they carry the chunk
 * signature (dirty files, as the Rust `evtx` crate does); a bad chunk or record is reported
 * through `onIssue` and skipped. Events are the `WinEvent`s `parseXmlEvents` makes from the
 * same events rendered as XML, with `position.record` the EventRecordID.
 */
export async function* parseEvtx(
  stream: AsyncIterable<Uint8Array>,
  options: ParseOptions,
): AsyncIterable<WinEvent> {
  const out: WinEvent[] = [];
  const file = new EvtxFile({ onIssue: options.onIssue, interest: options.interest, out });
  const block = Buffer.allocUnsafe(EVTX.chunkSize);
  let want: number = EVTX.fileHeaderSize;
  let fill = 0;
  let inHeader = true;
  const take = (buf: Buffer): void => {
    if (inHeader) {
      file.header(buf);
      inHeader = false;
      want = EVTX.chunkSize;
    } else {
      file.chunk(buf);
    }
  };
  for await (const piece of stream) {
    const bytes = Buffer.isBuffer(piece)
      ? piece
      : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let at = 0;
    while (at < bytes.length) {
      if (fill === 0 && bytes.length - at >= want) {
        // A whole block inside the piece: read it in place, without copying.
        const end = at + want;
        take(bytes.subarray(at, end));
        at = end;
        continue;
      }
      const n = Math.min(want - fill, bytes.length - at);
      bytes.copy(block, fill, at, at + n);
      fill += n;
      at += n;
      if (fill === want) {
        take(block.subarray(0, want));
        fill = 0;
      }
    }
    if (out.length > 0) {
      // A plain loop: `yield*` over the array cost ~2x per event (bench/evtxBench.ts profile).
      for (let i = 0; i < out.length; i++) yield out[i] as WinEvent;
      out.length = 0;
    }
  }
  if (fill > 0 || inHeader) take(block.subarray(0, fill));
  if (!inHeader) file.end();
  for (let i = 0; i < out.length; i++) yield out[i] as WinEvent;
}
