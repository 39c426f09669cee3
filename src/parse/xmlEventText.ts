/** An `<Event>` longer than this is reported and dropped instead of growing memory. */
export const XML_LIMITS = { maxEventChars: 4 * 1024 * 1024 } as const;

/** How an event's start tag begins (see `endsEventName`). */
export const EVENT_OPEN = "<Event";
export const EVENT_CLOSE = "</Event>";

/** Whether the character code after `<Event` ends the tag's name: `<Event`, not `<EventData`, `<EventID`, `<Events`. */
export function endsEventName(c: number | undefined): boolean {
  return c === 32 || c === 62 || c === 9 || c === 13 || c === 10 || c === 47;
}

/** Index of the next `<Event` start tag (not `<EventData`, `<EventID`) at or after `from`. */
export function findEventStart(line: string, from: number): number {
  let i = line.indexOf(EVENT_OPEN, from);
  while (i !== -1) {
    const c = line.charCodeAt(i + EVENT_OPEN.length);
    if (endsEventName(c) || Number.isNaN(c)) return i;
    i = line.indexOf(EVENT_OPEN, i + EVENT_OPEN.length);
  }
  return -1;
}

/** Text outside events that is expected in these logs and is not worth an issue. */
export function isWrapperText(text: string): boolean {
  return (
    text.startsWith("<?xml") ||
    text.startsWith("<Events") ||
    text.startsWith("</Events>") ||
    text.startsWith("<!--")
  );
}
