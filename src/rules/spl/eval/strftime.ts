import { UnsupportedSearchError } from "../../errors.js";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

type Part = (d: Date, epochSeconds: number) => string;

const DIRECTIVES: Readonly<Record<string, Part>> = {
  Y: (d) => String(d.getUTCFullYear()),
  y: (d) => pad(d.getUTCFullYear() % 100),
  m: (d) => pad(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  e: (d) => String(d.getUTCDate()).padStart(2, " "),
  H: (d) => pad(d.getUTCHours()),
  I: (d) => pad(((d.getUTCHours() + 11) % 12) + 1),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  p: (d) => (d.getUTCHours() < 12 ? "AM" : "PM"),
  j: (d) => pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
  a: (d) => (DAYS[d.getUTCDay()] as string).slice(0, 3),
  A: (d) => DAYS[d.getUTCDay()] as string,
  b: (d) => (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
  h: (d) => (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
  B: (d) => MONTHS[d.getUTCMonth()] as string,
  Z: () => "UTC",
  z: () => "+0000",
  s: (_d, t) => String(Math.floor(t)),
  F: (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
  T: (d) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  "%": () => "%",
};

/**
 * Compiles a Splunk `timeformat` (strftime with `%3N`/`%6N`/`%9N`/`%N` for sub-seconds) into a
 * formatter of epoch seconds, in UTC. An unknown directive makes the search unsupported.
 */
export function compileStrftime(format: string): (epochSeconds: number) => string {
  const parts: Part[] = [];
  let literal = "";
  const flush = (): void => {
    const text = literal;
    if (text !== "") parts.push(() => text);
    literal = "";
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== "%") {
      literal += c;
      continue;
    }
    const sub = /^(\d?)N/.exec(format.slice(i + 1));
    if (sub !== null) {
      flush();
      const digits = sub[1] === "" ? 9 : Number(sub[1]);
      parts.push((_d, t) => {
        const frac = t - Math.floor(t);
        return String(Math.floor(frac * 10 ** digits)).padStart(digits, "0");
      });
      i += sub[0].length;
      continue;
    }
    const key = format[i + 1] ?? "";
    const part = DIRECTIVES[key];
    if (part === undefined) throw new UnsupportedSearchError(`time format directive %${key}`);
    flush();
    parts.push(part);
    i++;
  }
  flush();
  return (t) => {
    const d = new Date(t * 1000);
    let out = "";
    for (const p of parts) out += p(d, t);
    return out;
  };
}
