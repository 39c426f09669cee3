/** How an event's start tag begins (see `endsEventName`). */
export const EVENT_OPEN = "<Event";
export const EVENT_CLOSE = "</Event>";

/** Whether the character code after `<Event` ends the tag's name: `<Event`, not `<EventData`, `<EventID`, `<Events`. */
export function endsEventName(c: number | undefined): boolean {
  return c === 32 || c === 62 || c === 9 || c === 13 || c === 10 || c === 47;
}

/**
 * Index of the next `<Event` start tag (not `<EventData`, `<EventID`) at or after `from`; one
 * at the very end of `line`, whose name may go on, counts.
 */
export function findEventStart(line: string, from: number): number {
  let i = line.indexOf(EVENT_OPEN, from);
  while (i !== -1) {
    const c = line.charCodeAt(i + EVENT_OPEN.length);
    if (endsEventName(c) || Number.isNaN(c)) return i;
    i = line.indexOf(EVENT_OPEN, i + EVENT_OPEN.length);
  }
  return -1;
}

/** Index of the last `<Event` start tag after index 0 whose name is known to end, or -1. */
export function lastEventStart(bytes: Buffer): number {
  let i = bytes.lastIndexOf(EVENT_OPEN, bytes.length - EVENT_OPEN.length - 1);
  while (i > 0) {
    if (endsEventName(bytes[i + EVENT_OPEN.length])) return i;
    i = bytes.lastIndexOf(EVENT_OPEN, i - 1);
  }
  return -1;
}
