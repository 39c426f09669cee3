import { App, Validations } from "aws-cdk-lib";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { defineApp } from "../../infra/lib/defineApp.js";
import { CDK_JSON_CONTEXT, removeAssemblies, synth, tempOutdir } from "./synth.js";

// The configuration with the most acknowledgements: direct mode and a KMS key.
const CONTEXT = { triggerMode: "direct", encryption: "kms", prefix: "sysmon/" };

function acknowledgements(root: IConstruct): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        out.set(`${c.node.path} ${id.replace(/^annotation::/i, "")}`, reason);
      }
    }
  }
  return out;
}

afterAll(removeAssemblies);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cdk-nag AwsSolutions", () => {
  it("is wired into the app: an unsafe resource fails synthesis", () => {
    const app = new App({
      outdir: tempOutdir(),
      context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [], ...CONTEXT },
    });
    const stack = defineApp(app);
    new Queue(stack, "Unsafe");
    expect(() => app.synth()).toThrow(
      /AwsSolutions-SQS3[\s\S]*Unsafe|Unsafe[\s\S]*AwsSolutions-SQS3/,
    );
  });

  it("each acknowledgement has a reason and matches a finding that occurs without it", () => {
    const acked = acknowledgements(synth(CONTEXT).app);
    expect(acked.size).toBeGreaterThan(0);
    for (const [what, reason] of acked) expect(reason.length, what).toBeGreaterThan(30);

    vi.spyOn(Validations.prototype, "acknowledge").mockImplementation(() => undefined);
    const app = new App({
      outdir: tempOutdir(),
      context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [], ...CONTEXT },
    });
    defineApp(app);
    const raw = new AwsSolutionsChecks(app).validateScope(app).violations;
    const rawIds = raw.flatMap((v) =>
      v.violatingResources.map((r) => `${r.constructPath} ${v.ruleName}`),
    );
    // Every raw finding lies under an acknowledgement of its id, and every acknowledgement is used.
    const ackList = [...acked.keys()].map((k) => k.split(" ") as [string, string]);
    for (const f of rawIds) {
      const [path, id] = f.split(" ") as [string, string];
      expect(
        ackList.some(([p, i]) => i === id && (path === p || path.startsWith(`${p}/`))),
        f,
      ).toBe(true);
    }
    for (const [p, i] of ackList) {
      expect(
        rawIds.some((f) => {
          const [path, id] = f.split(" ") as [string, string];
          return i === id && (path === p || path.startsWith(`${p}/`));
        }),
        `${p} ${i}`,
      ).toBe(true);
    }
  });
});
