/** `*` (any run of characters) and `?` (exactly one character) in a parsed Sigma string. */
export const STAR = 0;
export const QMARK = 1;

/** A Sigma string: literal text and wildcards, escapes already resolved. */
export type Piece = string | typeof STAR | typeof QMARK;

/**
 * Parses a Sigma value: `*` and `?` are wildcards; a backslash escapes `*`, `?` or a backslash
 * and is literal before anything else (`C:\Users\` stays as written, `\\\\server` is `\\server`).
 */
export function parseSigmaString(text: string): Piece[] {
  const out: Piece[] = [];
  let lit = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "*" || next === "?" || next === "\\") {
        lit += next;
        i++;
      } else lit += c;
    } else if (c === "*" || c === "?") {
      if (lit !== "") out.push(lit);
      lit = "";
      out.push(c === "*" ? STAR : QMARK);
    } else lit += c;
  }
  if (lit !== "") out.push(lit);
  return out;
}

/** Appends pieces, merging adjacent literals. */
export function concatPieces(...parts: readonly (readonly Piece[])[]): Piece[] {
  const out: Piece[] = [];
  for (const part of parts) {
    for (const p of part) {
      const last = out[out.length - 1];
      if (typeof p === "string" && typeof last === "string") out[out.length - 1] = last + p;
      else if (p !== "") out.push(p);
    }
  }
  return out;
}

export function hasWildcard(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => typeof p !== "string");
}

/** The text of a wildcard-free string. */
export function plainText(pieces: readonly Piece[]): string {
  return pieces.map((p) => (typeof p === "string" ? p : p === STAR ? "*" : "?")).join("");
}

/** `contains`, `startswith`, `endswith`: a `*` on the open side(s), unless one is there. */
export function withStars(pieces: readonly Piece[], before: boolean, after: boolean): Piece[] {
  const head = before && pieces[0] !== STAR ? [STAR] : [];
  const tail = after && pieces[pieces.length - 1] !== STAR ? [STAR] : [];
  return concatPieces(head as Piece[], pieces, tail as Piece[]);
}

/** Applies `f` to every literal, keeping the wildcards. */
export function mapLiterals(pieces: readonly Piece[], f: (s: string) => string): Piece[] {
  return concatPieces(pieces.map((p) => (typeof p === "string" ? f(p) : p)));
}
