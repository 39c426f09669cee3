import { EvtxFormatError } from "./errors.js";
import { fixedSize, formatScalar, utf16 } from "./formatValue.js";
import { EVTX, TOKEN, VALUE } from "./layout.js";
import type { AttrNode, ElementNode, Part } from "./tree.js";

/** What the token reader needs from its chunk: names by offset. */
export interface NameSource {
  readonly buf: Buffer;
  name(offset: number): string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Bytes of the name structure at `offset` (next offset, hash, count, UTF-16 text, NUL). */
export function nameSize(buf: Buffer, offset: number): number {
  return 10 + 2 * buf.readUInt16LE(offset + 6);
}

/**
 * Reads a name reference at `p`; returns the name and the position after it (and after an
 * inline name). Records `p` in `fields` when given (see `sharedTemplates.ts`).
 */
function readNameRef(src: NameSource, p: number, fields: number[] | undefined): [string, number] {
  fields?.push(p);
  const offset = src.buf.readUInt32LE(p);
  const name = src.name(offset);
  const after = p + 4;
  return [name, offset === after ? after + nameSize(src.buf, after) : after];
}

/**
 * End of the template instance whose token is at `p`: skips an inline template definition and
 * the substitution array. Returns [template offset, substitution array offset, end].
 */
export function instanceBounds(buf: Buffer, p: number): [number, number, number] {
  const templateOffset = buf.readUInt32LE(p + 6);
  let q = p + 10;
  if (templateOffset === q) q += EVTX.templateHeaderSize + buf.readUInt32LE(q + 20);
  const count = buf.readUInt32LE(q);
  let end = q + 4 + 4 * count;
  for (let i = 0; i < count; i++) end += buf.readUInt16LE(q + 4 + 4 * i);
  return [templateOffset, q, end];
}

/**
 * Reads the BinXml token stream in `[pos, end)` into element trees (until the end-of-stream
 * token). Template definitions carry a 2-byte dependency id in each element start; direct
 * streams (record bodies and nested BinXml values without a template) do not.
 */
export function readTree(
  src: NameSource,
  pos: number,
  end: number,
  hasDependencyId: boolean,
  nameFields?: number[],
): { nodes: (ElementNode | Part)[]; end: number; hasInstances: boolean } {
  const buf = src.buf;
  const root: (ElementNode | Part)[] = [];
  const stack: ElementNode[] = [];
  let attr: AttrNode | undefined;
  let hasInstances = false;
  let p = pos;
  const add = (part: Part): void => {
    if (attr !== undefined) attr.parts.push(part);
    else (stack.length > 0 ? (stack[stack.length - 1] as ElementNode).children : root).push(part);
  };
  while (p < end) {
    const token = buf[p] as number;
    switch (token & ~TOKEN.hasMoreFlag) {
      case TOKEN.eof:
        if (stack.length > 0)
          throw new EvtxFormatError(`BinXml ends inside <${stack[stack.length - 1]?.name}>`);
        return { nodes: root, end: p + 1, hasInstances };
      case TOKEN.fragmentHeader:
        p += 4;
        break;
      case TOKEN.openStartElement: {
        if (attr !== undefined)
          throw new EvtxFormatError(`element start inside an attribute at ${p}`);
        let q = p + 1 + (hasDependencyId ? 2 : 0) + 4;
        const [name, after] = readNameRef(src, q, nameFields);
        q = after + (token & TOKEN.hasMoreFlag ? 4 : 0);
        const element: ElementNode = { name, attrs: [], children: [] };
        (stack.length > 0 ? (stack[stack.length - 1] as ElementNode).children : root).push(element);
        stack.push(element);
        p = q;
        break;
      }
      case TOKEN.attribute: {
        const top = stack[stack.length - 1];
        if (top === undefined) throw new EvtxFormatError(`attribute outside an element at ${p}`);
        const [name, after] = readNameRef(src, p + 1, nameFields);
        attr = { name, parts: [] };
        top.attrs.push(attr);
        p = after;
        break;
      }
      case TOKEN.closeStartElement:
        attr = undefined;
        p++;
        break;
      case TOKEN.closeEmptyElement:
      case TOKEN.endElement:
        attr = undefined;
        if (stack.pop() === undefined)
          throw new EvtxFormatError(`end of element without a start at ${p}`);
        p++;
        break;
      case TOKEN.value: {
        const type = buf[p + 1] as number;
        if (type === VALUE.wstring || type === VALUE.string) {
          const n = buf.readUInt16LE(p + 2);
          const bytes = type === VALUE.wstring ? 2 * n : n;
          if (p + 4 + bytes > end) throw new EvtxFormatError(`value runs past its stream at ${p}`);
          add(
            type === VALUE.wstring
              ? utf16(buf, p + 4, p + 4 + bytes)
              : buf.toString("latin1", p + 4, p + 4 + bytes),
          );
          p += 4 + bytes;
        } else {
          const size = fixedSize(type);
          const text = size === 0 ? undefined : formatScalar(type, buf, p + 2, size);
          if (text === undefined)
            throw new EvtxFormatError(`value token of type 0x${type.toString(16)} at ${p}`);
          add(text);
          p += 2 + size;
        }
        break;
      }
      case TOKEN.cdata: {
        const bytes = 2 * buf.readUInt16LE(p + 1);
        add(utf16(buf, p + 3, p + 3 + bytes));
        p += 3 + bytes;
        break;
      }
      case TOKEN.charRef:
        add(String.fromCharCode(buf.readUInt16LE(p + 1)));
        p += 3;
        break;
      case TOKEN.entityRef: {
        const [name, after] = readNameRef(src, p + 1, nameFields);
        add(ENTITIES[name] ?? `&${name};`);
        p = after;
        break;
      }
      case TOKEN.piTarget:
        p = readNameRef(src, p + 1, nameFields)[1];
        break;
      case TOKEN.piData:
        p += 3 + 2 * buf.readUInt16LE(p + 1);
        break;
      case TOKEN.templateInstance: {
        const [templateOffset, valuesOffset, after] = instanceBounds(buf, p);
        add({ templateOffset, valuesOffset, end: after });
        hasInstances = true;
        p = after;
        break;
      }
      case TOKEN.normalSubstitution:
      case TOKEN.optionalSubstitution:
        add({
          sub: buf.readUInt16LE(p + 1),
          type: buf[p + 3] as number,
          optional: (token & ~TOKEN.hasMoreFlag) === TOKEN.optionalSubstitution,
        });
        p += 4;
        break;
      default:
        throw new EvtxFormatError(`unknown BinXml token 0x${token.toString(16)} at ${p}`);
    }
  }
  throw new EvtxFormatError(`BinXml stream has no end-of-stream token before ${end}`);
}
