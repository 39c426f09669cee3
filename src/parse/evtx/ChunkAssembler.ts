import { type EvtxFile, isChunkStart, isZero } from "./EvtxFile.js";
import { CHUNK_HEADER, EVTX } from "./layout.js";

/** Blocks free for the next parse: one 64 KiB allocation per parse showed at ~2.5% in bench/evtxBench.ts. */
const FREE: Buffer[] = [];

/** End of a chunk header's free-space offset field. */
const FREE_FIELD_END = CHUNK_HEADER.freeSpaceOffset + 4;

const MODE = { header: 0, undecided: 1, copy: 2, scan: 3 } as const;
type Mode = (typeof MODE)[keyof typeof MODE];

/**
 * Cuts a byte stream, whatever its piece sizes, into the file header and 64 KiB chunks for
 * `EvtxFile`. A block lying whole inside a piece is passed in place; one spread over pieces is
 * copied into a reusable buffer, except when its first bytes show it is no chunk (the zero
 * space after the last chunk): then it is only scanned for non-zero bytes, never copied.
 * A chunk's bytes past its free-space offset are not copied either (`EvtxFile.chunk` reads
 * none of them), and a block's signature is checked before any of it is copied. After the
 * 4 KiB file header every block straddles two 64 KiB pieces; over ../shared/data/evtx a pass
 * copied 23.2 MB (whole chunks, a third full on average, and 60 KiB of each zero block) and
 * now 5.9 MB: the copy was 7% of the bench/evtxBench.ts (bytes in memory) profile, and
 * events/s rose 4-5%.
 */
export class ChunkAssembler {
  private mode: Mode = MODE.header;
  private want: number = EVTX.fileHeaderSize;
  private fill = 0;
  /** Bytes of the block worth copying: the whole block until its free-space offset is known. */
  private copyLimit: number = EVTX.chunkSize;
  private allZero = true;
  private block: Buffer | undefined;

  constructor(private readonly file: EvtxFile) {}

  push(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(this.want - this.fill, bytes.length - at);
      // A block's signature in this piece: decided before any of it is copied.
      if (this.mode === MODE.undecided && this.fill === 0 && n >= 8)
        this.decide(bytes.subarray(at, at + 8));
      if (this.mode === MODE.scan) {
        if (this.allZero && !isZero(bytes.subarray(at, at + n))) this.allZero = false;
        this.fill += n;
        at += n;
        if (this.fill === this.want) this.done(undefined);
      } else if (this.fill === 0 && n === this.want) {
        this.done(bytes.subarray(at, at + n));
        at += n;
      } else {
        this.block ??= FREE.pop() ?? Buffer.allocUnsafe(EVTX.chunkSize);
        this.copy(bytes, at, n, this.block);
        this.fill += n;
        at += n;
        if (this.fill === this.want) this.done(this.block.subarray(0, this.want));
        else if (this.mode === MODE.undecided && this.fill >= 8)
          this.decide(this.block.subarray(0, this.fill));
      }
    }
  }

  /** After the last piece: hands over what is left (a cut-short block) and releases the buffer. */
  end(): void {
    if (this.mode === MODE.scan) this.file.notAChunk(this.allZero);
    else if (this.fill > 0 || this.mode === MODE.header)
      this.done(this.block?.subarray(0, this.fill) ?? Buffer.alloc(0));
    if (this.mode !== MODE.header) this.file.end();
    this.release();
  }

  /** Returns the copy buffer to the pool (also when the consumer stops early). */
  release(): void {
    if (this.block !== undefined) FREE.push(this.block);
    this.block = undefined;
  }

  /**
   * Copies `bytes[at, at + n)` to `block` at `fill`: first up to the chunk's free-space offset
   * field, which sets `copyLimit`, then what lies below that limit.
   */
  private copy(bytes: Buffer, at: number, n: number, block: Buffer): void {
    let done = 0;
    if (this.fill < FREE_FIELD_END) {
      done = Math.min(n, FREE_FIELD_END - this.fill);
      bytes.copy(block, this.fill, at, at + done);
      if (this.fill + done === FREE_FIELD_END && this.mode !== MODE.header) {
        const free = block.readUInt32LE(CHUNK_HEADER.freeSpaceOffset);
        if (free >= EVTX.chunkHeaderSize && free <= EVTX.chunkSize) this.copyLimit = free;
      }
    }
    const upto = Math.min(n, this.copyLimit - this.fill);
    if (upto > done) bytes.copy(block, this.fill + done, at + done, at + upto);
  }

  private decide(head: Buffer): void {
    if (isChunkStart(head)) {
      this.mode = MODE.copy;
    } else {
      this.mode = MODE.scan;
      this.allZero = isZero(head);
    }
  }

  private done(block: Buffer | undefined): void {
    if (this.mode === MODE.header) {
      this.file.header(block as Buffer);
    } else if (block === undefined) {
      this.file.notAChunk(this.allZero);
    } else {
      this.file.chunk(block);
    }
    this.mode = MODE.undecided;
    this.want = EVTX.chunkSize;
    this.fill = 0;
    this.copyLimit = EVTX.chunkSize;
    this.allZero = true;
  }
}
