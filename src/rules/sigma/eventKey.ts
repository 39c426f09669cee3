/**
 * Key of the events a rule variant applies to: lower-cased channel and event id, the channel
 * with `*` for any id (service log sources), or `*` for any event (product-only rules).
 */
export function eventKey(channel: string, eventId: number | "*"): string {
  return `${channel.toLowerCase()}#${eventId}`;
}

export const ANY_EVENT = "*";
