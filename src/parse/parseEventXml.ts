import { type EventDraft, finishDraft } from "./eventDraft.js";
import type { EventPosition, WinEvent } from "./types.js";
import { decodeXmlEntities } from "./xmlEntities.js";

/** Why one `<Event>` text could not be read; the caller turns it into a `ParseIssue`. */
export interface EventXmlError {
  readonly error: string;
}

export type Attrs = Record<string, string>;

function toInt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isInteger(n) ? n : undefined;
}

/** Parses `name='v' name2="v2"` (either quote) between `from` and `to` of `xml`. */
export function parseAttrs(xml: string, from: number, to: number): Attrs | undefined {
  const attrs: Attrs = {};
  let i = from;
  while (i < to) {
    const c = xml.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 /* / */) {
      i++;
      continue;
    }
    const eq = xml.indexOf("=", i);
    if (eq === -1 || eq >= to) return undefined;
    const name = xml.slice(i, eq).trim();
    let q = eq + 1;
    while (q < to && xml.charCodeAt(q) <= 32) q++;
    const quote = xml.charCodeAt(q);
    if (quote !== 34 && quote !== 39) return undefined;
    const end = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (end === -1 || end >= to) return undefined;
    attrs[name] = decodeXmlEntities(xml.slice(q + 1, end));
    i = end + 1;
  }
  return attrs;
}

/** Finds the `>` closing the tag that starts at `from`, skipping quoted attribute values. */
export function tagEnd(xml: string, from: number): number {
  const gt = xml.indexOf(">", from);
  if (gt === -1) return -1;
  const sq = xml.indexOf("'", from);
  const dq = xml.indexOf('"', from);
  if ((sq === -1 || sq > gt) && (dq === -1 || dq > gt)) return gt;
  let i = from;
  while (i < xml.length) {
    const c = xml.charCodeAt(i);
    if (c === 62) return i;
    if (c === 34 || c === 39) {
      const close = xml.indexOf(c === 34 ? '"' : "'", i + 1);
      if (close === -1) return -1;
      i = close + 1;
    } else i++;
  }
  return -1;
}

export function applySystem(
  draft: EventDraft,
  name: string,
  attrs: Attrs | undefined,
  text: string,
): void {
  switch (name) {
    case "Provider":
      draft.provider = attrs?.Name ?? attrs?.EventSourceName ?? "";
      if (attrs?.Guid !== undefined) draft.providerGuid = attrs.Guid;
      return;
    case "EventID":
      draft.eventId = toInt(text);
      return;
    case "Version":
      draft.version = toInt(text);
      return;
    case "Level":
      draft.level = toInt(text);
      return;
    case "Task":
      draft.task = toInt(text);
      return;
    case "Opcode":
      draft.opcode = toInt(text);
      return;
    case "Keywords":
      draft.keywords = text.trim();
      return;
    case "TimeCreated":
      if (attrs?.SystemTime !== undefined) draft.timeCreated = attrs.SystemTime;
      return;
    case "EventRecordID":
      draft.eventRecordId = toInt(text);
      return;
    case "Execution":
      draft.processId = toInt(attrs?.ProcessID);
      draft.threadId = toInt(attrs?.ThreadID);
      return;
    case "Channel":
      draft.channel = text.trim();
      return;
    case "Computer":
      draft.computer = text.trim();
      return;
    case "Security":
      if (attrs?.UserID !== undefined) draft.userId = attrs.UserID;
      return;
  }
}

/**
 * Reads one Windows-rendered `<Event>` element (either quote style, one line or pretty-printed).
 * A small scanner, not a general XML parser: it never reads a DTD, so no entity can expand and
 * no external resource is fetched. Returns an error text instead of throwing.
 */
export function parseEventXml(xml: string, position: EventPosition): WinEvent | EventXmlError {
  const draft: EventDraft = { provider: "", channel: "", computer: "", data: {} };
  // Element path, as names; depth 0 is <Event>.
  const stack: string[] = [];
  let attrsStack: (Attrs | undefined)[] = [];
  let text = "";
  let unnamed = 0;
  let i = xml.indexOf("<");
  while (i !== -1 && i < xml.length) {
    const next = xml.charCodeAt(i + 1);
    if (next === 47 /* / */) {
      const gt = xml.indexOf(">", i + 2);
      if (gt === -1) return { error: "unterminated end tag" };
      const name = xml.slice(i + 2, gt).trim();
      const open = stack.pop();
      const attrs = attrsStack.pop();
      if (open !== name) return { error: `end tag </${name}> does not match <${open ?? ""}>` };
      closeElement(draft, stack, name, attrs, text, () => ++unnamed);
      text = "";
      if (stack.length === 0) {
        return finish(draft, position);
      }
      i = gt + 1;
    } else if (next === 33 /* ! */) {
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end === -1) return { error: "unterminated comment" };
        i = end + 3;
      } else if (xml.startsWith("<![CDATA[", i)) {
        const end = xml.indexOf("]]>", i + 9);
        if (end === -1) return { error: "unterminated CDATA section" };
        text += xml.slice(i + 9, end);
        i = end + 3;
      } else {
        return { error: "DTD declarations are not accepted" };
      }
    } else if (next === 63 /* ? */) {
      const end = xml.indexOf("?>", i + 2);
      if (end === -1) return { error: "unterminated processing instruction" };
      i = end + 2;
    } else {
      const gt = tagEnd(xml, i + 1);
      if (gt === -1) return { error: "unterminated start tag" };
      const selfClosing = xml.charCodeAt(gt - 1) === 47;
      const inner = selfClosing ? gt - 1 : gt;
      let nameEnd = i + 1;
      while (nameEnd < inner && xml.charCodeAt(nameEnd) > 32) nameEnd++;
      const name = xml.slice(i + 1, nameEnd);
      if (name === "") return { error: "empty tag name" };
      if (stack.length === 0 && name !== "Event") return { error: `root element is <${name}>` };
      const attrs = nameEnd < inner ? parseAttrs(xml, nameEnd, inner) : undefined;
      if (nameEnd < inner && attrs === undefined) return { error: `bad attributes in <${name}>` };
      text = "";
      if (selfClosing) {
        closeElement(draft, stack, name, attrs, "", () => ++unnamed);
      } else {
        stack.push(name);
        attrsStack.push(attrs);
      }
      i = gt + 1;
    }
    const lt = xml.indexOf("<", i);
    if (lt === -1) break;
    if (lt > i) text += decodeXmlEntities(xml.slice(i, lt));
    i = lt;
  }
  attrsStack = [];
  return {
    error: stack.length > 0 ? `unclosed <${stack[stack.length - 1]}>` : "no <Event> element",
  };
}

function closeElement(
  draft: EventDraft,
  stack: readonly string[],
  name: string,
  attrs: Attrs | undefined,
  text: string,
  nextUnnamed: () => number,
): void {
  const depth = stack.length; // depth of the element being closed
  if (depth === 2 && stack[1] === "System") {
    applySystem(draft, name, attrs, text);
  } else if (depth === 2 && stack[1] === "EventData") {
    if (name === "Data") {
      const key = attrs?.Name ?? `param${nextUnnamed()}`;
      draft.data[key] = text;
    } else if (name === "Binary") {
      draft.data.Binary = text;
    }
  } else if (depth >= 3 && stack[1] === "UserData" && text.trim() !== "") {
    draft.data[name] = text;
  }
}

export function finish(draft: EventDraft, position: EventPosition): WinEvent | EventXmlError {
  return finishDraft(draft, position) ?? { error: "missing or non-numeric <EventID>" };
}
