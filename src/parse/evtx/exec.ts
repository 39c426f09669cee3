import type { EventBuilder } from "./EventBuilder.js";
import type { Values } from "./Values.js";

/**
 * Where a template's elements land in the event: `depth` counts their ancestors (0 for
 * `<Event>`, 3 for anything at least that deep) and `top` names the `<Event>` child they are in.
 */
export interface Ctx {
  readonly depth: number;
  readonly top: string;
}

export const ROOT_CTX: Ctx = { depth: 0, top: "" };

/** A compiled template: fills the builder from one record's substitution values. */
export type Exec = (b: EventBuilder, v: Values) => void;

export const NOOP: Exec = () => {};

/** One `Exec` running `execs` in order. */
export function sequence(execs: Exec[]): Exec {
  if (execs.length === 0) return NOOP;
  if (execs.length === 1) return execs[0] as Exec;
  return (b, v) => {
    for (let i = 0; i < execs.length; i++) (execs[i] as Exec)(b, v);
  };
}
