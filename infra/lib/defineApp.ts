import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { readConfig } from "./readConfig.js";
import { SysmonHuntStack } from "./SysmonHuntStack.js";

/**
 * Defines the app: the stack, configured from context, and the cdk-nag AWS Solutions checks,
 * which make `cdk synth` fail on any unacknowledged error. Shared by `bin/app.ts` and the tests.
 */
export function defineApp(app: App): SysmonHuntStack {
  const { stackName, options } = readConfig(app.node);
  const stack = new SysmonHuntStack(app, stackName, {
    ...options,
    description: "sysmon-hunt: scans Sysmon logs uploaded to S3 with Splunk detections",
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
