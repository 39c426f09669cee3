import { parseArgs } from "node:util";
import { runsOnEveryRecord } from "../detect/RuleIndex.js";
import type { Finding } from "../detect/types.js";
import { fileSource } from "../input/fileSource.js";
import { plural } from "../plural.js";
import type { RuleSet } from "../rules/loadRules.js";
import { type RuleTestExpectation, readRuleTests } from "../rules/ruleTests.js";
import { runsOnEveryEvent } from "../rules/sigma/SigmaIndex.js";
import type { SigmaLoad, SigmaRule } from "../rules/sigma/types.js";
import type { CompiledRule, RuleLoad } from "../rules/types.js";
import { scanSource } from "../scan.js";
import { parseCommandArgs } from "./commandArgs.js";
import { loadRuleSet } from "./loadRuleSet.js";
import { EXIT, SHIPPED } from "./paths.js";
import { UsageError } from "./UsageError.js";

export const RULES_USAGE = `Usage: sysmon-hunt rules <lint|test> [options]

  lint   load every rule and print its status (ok, unsupported or error, with the reason)
  test   run the rules' offline tests: each test's evidence files are scanned and the
         findings compared with its expect: block (exit 1 if any test fails)

Options:
  --rules PATH        rule file or folder (repeatable; default: the shipped rules)
  --macros DIR        macro folder (repeatable; the shipped macros always load)
  --format FORMAT     text | json (default text)
  -h, --help          this help
`;

type Io = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };

/** One line of `rules lint --format json`. */
export interface LintEntry {
  readonly file: string;
  readonly id: string | null;
  readonly name: string | null;
  readonly format: string;
  readonly status: RuleLoad["status"];
  readonly reason: string | null;
  /**
   * Whether the rule runs on every event of a type it reads: a security_content tstats with
   * neither an image name nor a literal to index it by, a Sigma variant with no literal every
   * match holds (see `RuleIndex`, `SigmaIndex`); null when the rule is not ok.
   */
  readonly everyEvent: boolean | null;
}

/** See `LintEntry.everyEvent`: as the scan's indexes decide it. */
function scEveryEvent(rule: CompiledRule): boolean {
  return [rule, ...(rule.subsearches ?? [])].some(runsOnEveryRecord);
}

function sigmaEveryEvent(rule: SigmaRule): boolean {
  return rule.variants.some(runsOnEveryEvent);
}

function lintEntry(l: RuleLoad): LintEntry {
  const format = "security_content";
  if (l.status === "ok") {
    return {
      file: l.file,
      id: l.rule.meta.id,
      name: l.rule.meta.name,
      format,
      status: "ok",
      reason: null,
      everyEvent: scEveryEvent(l.rule),
    };
  }
  return {
    file: l.file,
    id: l.id ?? null,
    name: l.name ?? null,
    format,
    status: l.status,
    reason: l.reason,
    everyEvent: null,
  };
}

function options(argv: readonly string[]) {
  return parseCommandArgs(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        rules: { type: "string", multiple: true },
        macros: { type: "string", multiple: true },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
}

function load(values: ReturnType<typeof options>["values"]): Promise<RuleSet> {
  return loadRuleSet(values.rules ?? [SHIPPED.rules], [SHIPPED.macros, ...(values.macros ?? [])]);
}

function sigmaEntry(l: SigmaLoad): LintEntry {
  if (l.status === "ok") {
    const m = l.rule.meta;
    return {
      file: l.file,
      id: m.id,
      name: m.title,
      format: "sigma",
      status: "ok",
      reason: null,
      everyEvent: sigmaEveryEvent(l.rule),
    };
  }
  return {
    file: l.file,
    id: l.id ?? null,
    name: l.name ?? null,
    format: "sigma",
    status: l.status,
    reason: l.reason,
    everyEvent: null,
  };
}

function lint(set: RuleSet, json: boolean, io: Io): number {
  const entries = [...set.loads.map(lintEntry), ...set.sigmaLoads.map(sigmaEntry)];
  if (json) {
    io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const e of entries) {
    io.stdout.write(
      `${e.status.padEnd(11)} ${e.name ?? e.file}${e.reason ? `: ${e.reason}` : ""}\n`,
    );
  }
  const n = (s: string) => entries.filter((e) => e.status === s).length;
  io.stdout.write(
    `${plural(entries.length, "rule")}: ${n("ok")} ok, ${n("unsupported")} unsupported, ${n("error")} with errors\n`,
  );
  const every = entries.filter((e) => e.everyEvent === true).length;
  if (every > 0)
    io.stdout.write(
      `${every} of the ok rules run on every event of a type they read (no image name or literal to index them by: see --format json, everyEvent)\n`,
    );
  return EXIT.ok;
}

/** Why findings do not meet an expectation, or undefined when they do. */
export function checkExpectation(
  findings: readonly Finding[],
  expect: RuleTestExpectation,
): string | undefined {
  if (expect.findings !== undefined && findings.length !== expect.findings) {
    return `expected ${expect.findings} finding(s), got ${findings.length}`;
  }
  for (const want of expect.match ?? []) {
    const hit = findings.some((f) =>
      Object.entries(want).every(([k, v]) =>
        k === "count" ? f.count === v : f.fields[k] === String(v),
      ),
    );
    if (!hit) return `no finding matches ${JSON.stringify(want)}`;
  }
  return undefined;
}

async function test(set: RuleSet, json: boolean, io: Io): Promise<number> {
  const results: Array<{
    rule: string;
    test: string;
    status: "pass" | "fail" | "skip";
    detail: string | null;
  }> = [];
  for (const rule of set.rules) {
    for (const t of await readRuleTests(rule.file)) {
      if (t.files.length === 0 || t.expect === undefined) {
        const why = t.expect === undefined ? "no expect: block" : "remote data only (offline run)";
        results.push({ rule: rule.meta.name, test: t.name, status: "skip", detail: why });
        continue;
      }
      const findings: Finding[] = [];
      let failure: string | undefined;
      for (const file of t.files) {
        try {
          const r = await scanSource(fileSource(file), { rules: [rule] });
          if (r.summary.status === "error") failure = r.summary.error?.message;
          findings.push(...r.findings);
        } catch (err) {
          failure = (err as Error).message;
        }
      }
      failure ??= checkExpectation(findings, t.expect);
      results.push({
        rule: rule.meta.name,
        test: t.name,
        status: failure ? "fail" : "pass",
        detail: failure ?? null,
      });
    }
  }
  if (json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results)
      io.stdout.write(
        `${r.status.toUpperCase().padEnd(4)} ${r.rule} / ${r.test}${r.detail ? `: ${r.detail}` : ""}\n`,
      );
    const n = (s: string) => results.filter((r) => r.status === s).length;
    io.stdout.write(
      `${plural(results.length, "test")}: ${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped\n`,
    );
  }
  return results.some((r) => r.status === "fail") ? EXIT.findings : EXIT.ok;
}

/** `sysmon-hunt rules lint|test`. */
export async function rulesCommand(argv: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = options(rest);
  if (sub === undefined || sub === "-h" || sub === "--help" || values.help) {
    io.stdout.write(RULES_USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`unknown --format ${format} (text or json)`);
  if (sub === "lint") return lint(await load(values), format === "json", io);
  if (sub === "test") return test(await load(values), format === "json", io);
  throw new UsageError(`unknown rules subcommand '${sub}' (lint or test)`);
}
