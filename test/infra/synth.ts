import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { defineApp } from "../../infra/lib/defineApp.js";
import type { SysmonHuntStack } from "../../infra/lib/SysmonHuntStack.js";

export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** The feature flags of cdk.json, so the tests synthesize what `npm run synth` does. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, "cdk.json"), "utf8")) as {
    context: Record<string, unknown>;
  }
).context;

/** Cloud assemblies written by `synth` in this test file. */
const outdirs: string[] = [];

/** A fresh cloud-assembly directory, removed by `removeAssemblies`. */
export function tempOutdir(): string {
  const outdir = mkdtempSync(join(tmpdir(), "sysmon-hunt-synth-"));
  outdirs.push(outdir);
  return outdir;
}

/** Removes the cloud assemblies `synth` wrote (call from `afterAll`). */
export function removeAssemblies(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: SysmonHuntStack;
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** cdk-nag AWS Solutions findings left after acknowledgements, warnings included. */
  readonly nagFindings: readonly { rule: string; severity: string; paths: string[] }[];
  /** `validation-report.json` of the synthesis (cdk-nag and CDK's CloudFormation checks). */
  readonly validationReport: { pluginReports: unknown[] };
}

/**
 * Synthesizes the app as `bin/app.ts` defines it, with `context` as if given with `-c`.
 * Without `bundle`, esbuild is skipped (CDK's `aws:cdk:bundling-stacks` = []): the template is
 * the same except for the asset hash. Synthesis throws if cdk-nag reports an error.
 */
export function synth(context: Record<string, unknown> = {}, bundle = false): Synthesized {
  const app = new App({
    outdir: tempOutdir(),
    context: {
      ...CDK_JSON_CONTEXT,
      ...(bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
      ...context,
    },
  });
  const stack = defineApp(app);
  const assembly = app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return {
    app,
    stack,
    assembly,
    template: Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    nagFindings: report.violations.map((v) => ({
      rule: v.ruleName,
      severity: v.severity ?? "?",
      paths: v.violatingResources.map((r) => r.constructPath ?? "?"),
    })),
    validationReport: JSON.parse(
      readFileSync(join(assembly.directory, "validation-report.json"), "utf8"),
    ) as { pluginReports: unknown[] },
  };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Every Allow statement of every IAM policy (inline and AWS::IAM::Policy) in the template. */
export function allowStatements(template: Template): { policy: string; statement: Statement }[] {
  const out: { policy: string; statement: Statement }[] = [];
  const add = (policy: string, doc: { Statement: Statement[] } | undefined) => {
    for (const statement of doc?.Statement ?? []) {
      if (statement.Effect === "Allow") out.push({ policy, statement });
    }
  };
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Policy"))) {
    add(id, r.Properties.PolicyDocument);
  }
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Role"))) {
    for (const p of r.Properties.Policies ?? []) add(id, p.PolicyDocument);
  }
  return out;
}

export function actionsOf(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

export function resourcesOf(s: Statement): unknown[] {
  return Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}

/** The logical id of the only resource of `type` whose logical id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`${type} ${prefix}*: found ${ids.join(", ") || "none"}`);
  return ids[0] as string;
}
