import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { DEFAULTS, type LogLevel } from "./defaults.js";
import { InfraConfigError } from "./errors.js";

/** The repository root (this file is `infra/lib/ScannerFunction.ts`). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Lets bundled CommonJS dependencies `require()` Node built-ins from the ESM bundle; esbuild
 * leaves such calls as a `require` that ESM does not define.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __sysmonHuntCreateRequire } from 'node:module';" +
  "const require = __sysmonHuntCreateRequire(import.meta.url);";

/** What the handler's bundle and its worker's bundle (`chunkWorker.mjs`) are built for, alike. */
const BUNDLE = { target: "node22", mainFields: ["module", "main"] } as const;

export interface ScannerFunctionProps {
  /** The findings queue's URL: `FINDINGS_QUEUE_URL`. */
  readonly findingsQueueUrl: string;
  /** The findings table's name: `FINDINGS_TABLE`. */
  readonly findingsTableName: string;
  /**
   * Memory, MB.
   * @default 1769
   */
  readonly memorySize?: number;
  /**
   * Timeout.
   * @default Duration.seconds(300)
   */
  readonly timeout?: Duration;
  /**
   * Log group retention.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * `LOG_LEVEL` of the handler.
   * @default "INFO"
   */
  readonly logLevel?: LogLevel;
  /**
   * `MAX_OBJECT_BYTES` of the handler.
   * @default - unset: the handler's own limit
   */
  readonly maxObjectBytes?: number;
  /**
   * `FINDINGS_TTL_DAYS` of the handler.
   * @default - unset: the handler's own default
   */
  readonly findingsTtlDays?: number;
  /**
   * Reserved concurrency.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * KMS key of the log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: IKey;
  /**
   * The handler's source file.
   * @default "<repo>/src/handler.ts"
   */
  readonly entry?: string;
  /**
   * The project root: where package-lock.json, tsconfig.json and node_modules are.
   * @default - the repository root
   */
  readonly projectRoot?: string;
  /**
   * Folder of rule YAML copied into the bundle as `rules/` (the handler's default rules dir).
   * Must be inside `projectRoot`.
   * @default "<repo>/rules"
   */
  readonly rulesDir?: string;
}

/**
 * The scanning Lambda: Node.js 22 on ARM64, the handler bundled locally by esbuild (no Docker)
 * as one minified ESM file with the SDK included (versions pinned by package-lock), the rules
 * copied beside it, its own log group and a role that can only write to that log group until
 * the stack grants it the rest.
 */
export class ScannerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ScannerFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? REPO_ROOT;
    const rulesDir = relative(projectRoot, props.rulesDir ?? resolve(REPO_ROOT, "rules"));
    const chunkWorker = relative(projectRoot, resolve(REPO_ROOT, "src/chunks/chunkWorker.ts"));
    if (rulesDir.startsWith("..")) {
      throw new InfraConfigError("rulesDir", `must be inside projectRoot ${projectRoot}`);
    }

    this.logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? DEFAULTS.logRetentionDays,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose logs:* reach every log group.
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: "sysmon-hunt scanner: its log group, the log objects, findings queue and table",
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      description: "sysmon-hunt: scans each uploaded Sysmon log and emits findings",
      entry: props.entry ?? resolve(REPO_ROOT, "src/handler.ts"),
      handler: "handler",
      projectRoot,
      depsLockFilePath: resolve(projectRoot, "package-lock.json"),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULTS.memorySize,
      timeout: props.timeout ?? Duration.seconds(DEFAULTS.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        FINDINGS_QUEUE_URL: props.findingsQueueUrl,
        FINDINGS_TABLE: props.findingsTableName,
        LOG_LEVEL: props.logLevel ?? DEFAULTS.logLevel,
        ...(props.maxObjectBytes === undefined
          ? {}
          : { MAX_OBJECT_BYTES: String(props.maxObjectBytes) }),
        ...(props.findingsTtlDays === undefined
          ? {}
          : { FINDINGS_TTL_DAYS: String(props.findingsTtlDays) }),
        POWERTOOLS_SERVICE_NAME: "sysmon-hunt",
        POWERTOOLS_METRICS_NAMESPACE: "SysmonHunt",
        NODE_OPTIONS: "--enable-source-maps",
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        mainFields: [...BUNDLE.mainFields],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions tested here, not whatever the runtime ships.
        externalModules: [],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -R "${inputDir}/${rulesDir}" "${outputDir}/rules"`,
            // the worker threads a large XML object is split over (ChunkPool), beside index.mjs
            `"${inputDir}/node_modules/.bin/esbuild" "${inputDir}/${chunkWorker}" --bundle ` +
              `--platform=node --format=esm --target=${BUNDLE.target} ` +
              `--main-fields=${BUNDLE.mainFields.join(",")} --minify ` +
              `--sourcemap --sources-content=false --banner:js="${ESM_REQUIRE_BANNER}" ` +
              `--outfile="${outputDir}/chunkWorker.mjs" --log-level=warning`,
          ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "nodejs22.x is the runtime the project targets and tests (issue 4); a newer one is " +
        "adopted together with the engines field and CI, not by the infrastructure alone.",
    });
  }
}
