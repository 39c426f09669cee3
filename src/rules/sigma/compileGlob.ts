import { type Piece, QMARK, STAR } from "./sigmaString.js";

/** Tests one field value (already lower-cased when the test is case-insensitive). */
export type StringTest = (value: string) => boolean;

/** A run of literal characters and `?` between two `*`. */
type Segment = readonly (string | typeof QMARK)[];

/** Literal text with `?` as a one-character hole; `holes` is null when there is none. */
interface Seg {
  readonly text: string;
  readonly holes: readonly boolean[] | null;
}

function toSeg(segment: Segment): Seg {
  let text = "";
  const holes: boolean[] = [];
  let any = false;
  for (const p of segment) {
    if (p === QMARK) {
      text += "?";
      holes.push(true);
      any = true;
    } else {
      text += p;
      for (let i = 0; i < p.length; i++) holes.push(false);
    }
  }
  return { text, holes: any ? holes : null };
}

function matchAt(v: string, seg: Seg, at: number): boolean {
  if (seg.holes === null) return v.startsWith(seg.text, at);
  if (at + seg.text.length > v.length) return false;
  for (let i = 0; i < seg.text.length; i++) {
    if (!seg.holes[i] && v.charCodeAt(at + i) !== seg.text.charCodeAt(i)) return false;
  }
  return true;
}

function indexOfSeg(v: string, seg: Seg, from: number): number {
  if (seg.holes === null) return v.indexOf(seg.text, from);
  for (let i = from; i + seg.text.length <= v.length; i++) if (matchAt(v, seg, i)) return i;
  return -1;
}

/**
 * Compiles a Sigma string into the cheapest test for its shape: equality, prefix, suffix,
 * substring, or a left-to-right scan of its `*`-separated segments (linear per segment; no
 * backtracking is needed because only `*` has variable length). `lower` lower-cases the
 * pattern for case-insensitive tests (the caller lower-cases the value once per event).
 */
export function compileGlob(pieces: readonly Piece[], lower: boolean): StringTest {
  const segments: Segment[] = [[]];
  for (const p of pieces) {
    if (p === STAR) segments.push([]);
    else
      (segments[segments.length - 1] as (string | typeof QMARK)[]).push(
        lower && p !== QMARK ? p.toLowerCase() : p,
      );
  }
  const segs = segments.map(toSeg);
  const first = segs[0] as Seg;
  if (segs.length === 1) {
    if (first.holes === null) {
      const text = first.text;
      return (v) => v === text;
    }
    return (v) => v.length === first.text.length && matchAt(v, first, 0);
  }
  const last = segs[segs.length - 1] as Seg;
  const inner = segs.slice(1, -1).filter((s) => s.text !== "");
  const simple =
    first.holes === null && last.holes === null && inner.every((s) => s.holes === null);
  if (simple && inner.length === 0) {
    const head = first.text;
    const tail = last.text;
    if (head === "" && tail === "") return () => true;
    if (tail === "") return (v) => v.startsWith(head);
    if (head === "") return (v) => v.endsWith(tail);
    return (v) => v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
  }
  if (simple && inner.length === 1 && first.text === "" && last.text === "") {
    const needle = (inner[0] as Seg).text;
    return (v) => v.includes(needle);
  }
  const minLength = segs.reduce((n, s) => n + s.text.length, 0);
  return (v) => {
    if (v.length < minLength || !matchAt(v, first, 0)) return false;
    let at = first.text.length;
    for (const seg of inner) {
      const i = indexOfSeg(v, seg, at);
      if (i === -1) return false;
      at = i + seg.text.length;
    }
    const end = v.length - last.text.length;
    return end >= at && matchAt(v, last, end);
  };
}
