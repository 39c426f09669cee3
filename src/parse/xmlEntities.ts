const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" } as const;

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g;

function replaceEntity(match: string, body: string): string {
  if (body.charCodeAt(0) === 35 /* # */) {
    const code =
      body.charCodeAt(1) === 120 /* x */
        ? Number.parseInt(body.slice(2), 16)
        : Number.parseInt(body.slice(1), 10);
    if (
      !Number.isFinite(code) ||
      code < 1 ||
      code > 0x10ffff ||
      (code >= 0xd800 && code <= 0xdfff)
    ) {
      return match;
    }
    return String.fromCodePoint(code);
  }
  // Only XML's five predefined entities: no DTD is ever read, so any other name stays as text.
  return (NAMED as Record<string, string>)[body] ?? match;
}

/** Decodes XML character and predefined entity references; anything else is left verbatim. */
export function decodeXmlEntities(text: string): string {
  return text.indexOf("&") === -1 ? text : text.replace(ENTITY, replaceEntity);
}
