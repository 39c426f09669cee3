import type { Finding } from "../detect/types.js";

export const OUTPUT_FORMATS = ["table", "json", "jsonl", "csv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(s: string): s is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(s);
}

/** RFC 4180 quoting, plus a leading `'` for cells a spreadsheet would run as a formula. */
function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function byFieldColumns(findings: readonly Finding[]): string[] {
  const cols: string[] = [];
  for (const f of findings)
    for (const k of Object.keys(f.fields)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** CSV with one row per finding and one column per by-field used by any of them. */
export function toCsv(findings: readonly Finding[]): string {
  const fieldCols = byFieldColumns(findings);
  const header = [
    "finding_id",
    "detection_id",
    "detection_name",
    "mitre_attack_id",
    "risk_score",
    "count",
    "firstTime",
    "lastTime",
    ...fieldCols,
    "message",
    "source_uri",
    "source_first",
    "source_last",
  ];
  const rows = findings.map((f) =>
    [
      f.finding_id,
      f.detection.id,
      f.detection.name,
      f.detection.mitre_attack_id.join(" "),
      f.risk_score,
      f.count,
      f.firstTime,
      f.lastTime,
      ...fieldCols.map((c) => f.fields[c]),
      f.message,
      f.source.uri,
      f.source.first_line ?? f.source.first_record,
      f.source.last_line ?? f.source.last_record,
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...rows].join("\r\n")}\r\n`;
}

function clip(s: string, width: number): string {
  return s.length <= width ? s.padEnd(width) : `${s.slice(0, Math.max(0, width - 1))}…`;
}

/** A fixed-width table for people; `width` is the terminal's, the process column takes the rest. */
export function toTable(findings: readonly Finding[], width = 160): string {
  if (findings.length === 0) return "No findings.\n";
  const cols = [
    { head: "RISK", w: 4, get: (f: Finding) => String(f.risk_score ?? "") },
    { head: "DETECTION", w: 41, get: (f: Finding) => f.detection.name },
    { head: "DEST", w: 26, get: (f: Finding) => f.fields.dest ?? "" },
    { head: "USER", w: 22, get: (f: Finding) => f.fields.user ?? "" },
    { head: "COUNT", w: 5, get: (f: Finding) => String(f.count) },
    {
      head: "FIRST SEEN (UTC)",
      w: 19,
      get: (f: Finding) => (f.firstTime ?? "").slice(0, 19).replace("T", " "),
    },
  ];
  const fixed = cols.reduce((n, c) => n + c.w + 2, 0);
  const processWidth = Math.max(20, width - fixed);
  const line = (cells: string[]) => cells.join("  ").trimEnd();
  const out = [line([...cols.map((c) => clip(c.head, c.w)), "PROCESS"])];
  for (const f of findings) {
    out.push(
      line([...cols.map((c) => clip(c.get(f), c.w)), clip(f.fields.process ?? "", processWidth)]),
    );
  }
  return `${out.join("\n")}\n`;
}

/** Renders findings in one of the CLI's output formats. */
export function formatFindings(
  findings: readonly Finding[],
  format: OutputFormat,
  width?: number,
): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(findings, null, 2)}\n`;
    case "jsonl":
      return findings.map((f) => `${JSON.stringify(f)}\n`).join("");
    case "csv":
      return toCsv(findings);
    case "table":
      return toTable(findings, width);
  }
}
