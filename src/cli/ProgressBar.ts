import { plural } from "../plural.js";

/** Redraws at most this often, and only once a scan has run this long. */
const PROGRESS = { intervalMs: 100, showAfterMs: 1000 } as const;

/** A one-line progress report (bytes, events, MB/s) on a terminal's stderr; silent elsewhere. */
export class ProgressBar {
  private readonly started = performance.now();
  private last = 0;
  private shown = false;
  private doneBytes = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly totalBytes: number | undefined,
  ) {}

  static enabled(out: NodeJS.WriteStream): boolean {
    return out.isTTY === true && !process.env.CI;
  }

  /** Marks a finished input, so the next one's bytes add to it. */
  fileDone(bytes: number): void {
    this.doneBytes += bytes;
  }

  update(fileBytes: number, events: number): void {
    const now = performance.now();
    if (now - this.started < PROGRESS.showAfterMs || now - this.last < PROGRESS.intervalMs) return;
    this.last = now;
    this.shown = true;
    const bytes = this.doneBytes + fileBytes;
    const mbps = bytes / 1024 / 1024 / ((now - this.started) / 1000);
    const total = this.totalBytes;
    const pct = total ? Math.min(100, (bytes / total) * 100) : undefined;
    const width = 24;
    const bar =
      pct === undefined
        ? ""
        : `[${"#".repeat(Math.round((pct / 100) * width)).padEnd(width, ".")}] ${pct.toFixed(0).padStart(3)}% `;
    const text = `${bar}${(bytes / 1024 / 1024).toFixed(1)} MB, ${plural(events, "event", events.toLocaleString("en-US"))}, ${mbps.toFixed(1)} MB/s`;
    this.out.write(`\r${text.padEnd(78)}`);
  }

  clear(): void {
    if (this.shown) this.out.write(`\r${" ".repeat(78)}\r`);
  }
}
