/** A count and its noun, plural unless the count is 1 (`1 event`, `2 events`); `text` writes the count. */
export function plural(count: number, noun: string, text = String(count)): string {
  return `${text} ${noun}${count === 1 ? "" : "s"}`;
}
