import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

/** What a rule test expects of the findings its data produces. */
export interface RuleTestExpectation {
  /** Exact number of findings of this rule; 0 for a negative test. */
  readonly findings?: number;
  /** Findings that must exist: each entry's keys are `count` or by-field names, all must match. */
  readonly match?: readonly Readonly<Record<string, string | number>>[];
}

/** One entry of a rule's `tests:` list, resolved against the rule file. */
export interface RuleTestSpec {
  readonly rule: string;
  readonly name: string;
  /** Local evidence files (absolute); empty when the test's data is only remote. */
  readonly files: readonly string[];
  /** Remote `data:` URLs, which an offline run cannot fetch. */
  readonly remote: readonly string[];
  readonly expect?: RuleTestExpectation;
}

type Yaml = Record<string, unknown>;

/**
 * Reads the `tests:` block of a security_content-style rule. Upstream entries list
 * `attack_data: [{data: <url>}]`; ours may also give a path relative to the rule file and an
 * `expect:` block, which `sysmon-hunt rules test` checks with no Splunk and no network.
 */
export async function readRuleTests(file: string): Promise<RuleTestSpec[]> {
  const doc = parseYaml(await readFile(file, "utf8")) as Yaml | null;
  const tests = Array.isArray(doc?.tests) ? (doc.tests as Yaml[]) : [];
  const rule = typeof doc?.id === "string" ? doc.id : file;
  return tests.map((t, i) => {
    const data = (Array.isArray(t.attack_data) ? t.attack_data : []) as Yaml[];
    const paths = data.map((d) => d.data).filter((d): d is string => typeof d === "string");
    const remote = paths.filter((p) => /^[a-z]+:\/\//i.test(p));
    const files = paths.filter((p) => !remote.includes(p)).map((p) => resolve(dirname(file), p));
    const expect = t.expect as RuleTestExpectation | undefined;
    return {
      rule,
      name: typeof t.name === "string" ? t.name : `test ${i + 1}`,
      files,
      remote,
      ...(expect === undefined ? {} : { expect }),
    };
  });
}
