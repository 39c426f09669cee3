import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULTS } from "./defaults.js";

export interface AlarmsProps {
  /** The scanner function. */
  readonly function: IFunction;
  /** Where events that could not be scanned end up (ingest DLQ, or direct mode's DLQ). */
  readonly ingestDeadLetterQueue: IQueue;
  /** The findings queue. */
  readonly findingsQueue: IQueue;
  /** The findings queue's DLQ (messages its consumers failed on). */
  readonly findingsDeadLetterQueue: IQueue;
  /**
   * Alarm when the oldest unconsumed finding is older than this.
   * @default Duration.hours(6)
   */
  readonly findingsAgeThreshold?: Duration;
  /**
   * Topic notified when an alarm fires and when it recovers.
   * @default - no action
   */
  readonly alarmTopic?: ITopic;
}

/**
 * CloudWatch alarms: unscannable events (ingest DLQ not empty), function errors and throttles,
 * findings nobody consumes (oldest message age) and findings consumers failed on.
 */
export class Alarms extends Construct {
  readonly ingestDeadLetters: Alarm;
  readonly functionErrors: Alarm;
  readonly functionThrottles: Alarm;
  readonly findingsAge: Alarm;
  readonly findingsDeadLetters: Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const ageThreshold =
      props.findingsAgeThreshold ?? Duration.seconds(DEFAULTS.findingsAgeAlarmSeconds);

    this.ingestDeadLetters = this.above(
      "IngestDeadLetters",
      props.ingestDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: "Maximum",
      }),
      0,
      "S3 events the scanner failed on sit in the ingest DLQ; inspect, fix, then redrive.",
      props.alarmTopic,
    );
    this.functionErrors = this.above(
      "FunctionErrors",
      props.function.metricErrors({ period, statistic: "Sum" }),
      0,
      "The scanner function failed invocations (see its log group).",
      props.alarmTopic,
    );
    this.functionThrottles = this.above(
      "FunctionThrottles",
      props.function.metricThrottles({ period, statistic: "Sum" }),
      0,
      "The scanner function was throttled (account concurrency or reserved concurrency).",
      props.alarmTopic,
    );
    this.findingsAge = this.above(
      "FindingsAge",
      props.findingsQueue.metricApproximateAgeOfOldestMessage({ period, statistic: "Maximum" }),
      ageThreshold.toSeconds(),
      `Findings wait more than ${ageThreshold.toSeconds()} s in the findings queue: is its consumer running?`,
      props.alarmTopic,
    );
    this.findingsDeadLetters = this.above(
      "FindingsDeadLetters",
      props.findingsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: "Maximum",
      }),
      0,
      "Findings consumers failed on messages now in the findings DLQ.",
      props.alarmTopic,
    );
  }

  private above(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    topic: ITopic | undefined,
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (topic !== undefined) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    return alarm;
  }
}
