import { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { SqsFindingsSink, sqsJson } from "../../src/sinks/SqsFindingsSink.js";
import type { ScanSummaryMessage } from "../../src/sinks/summaryMessage.js";
import { sampleFinding } from "../helpers/finding.js";

const client = new SQSClient({ region: "us-east-1" });
const summary = { kind: "summary", scan_id: "s".repeat(64) } as ScanSummaryMessage;

describe("SqsFindingsSink messages", () => {
  it("a finding's body is the finding; attributes kind, detection_id and risk_score", () => {
    const sink = new SqsFindingsSink({
      queueUrl: "https://sqs.us-east-1.amazonaws.com/1/findings",
      client,
    });
    expect(sink.fifo).toBe(false);
    const m = sink.findingMessage(sampleFinding());
    expect(JSON.parse(m.body)).toEqual(sampleFinding());
    expect(m.attributes).toEqual({
      kind: { DataType: "String", StringValue: "finding" },
      detection_id: { DataType: "String", StringValue: "det-1" },
      risk_score: { DataType: "Number", StringValue: "15" },
    });
    expect(m.groupId).toBeUndefined();
    expect(
      sink.findingMessage(sampleFinding({ risk_score: null })).attributes.risk_score,
    ).toBeUndefined();
    expect(sink.summaryMessage(summary).attributes).toEqual({
      kind: { DataType: "String", StringValue: "summary" },
    });
  });
  it("on a .fifo queue: group id from dest, deduplication id = finding_id (summary: scan id)", () => {
    const sink = new SqsFindingsSink({
      queueUrl: "https://sqs.us-east-1.amazonaws.com/1/findings.fifo",
      client,
    });
    expect(sink.fifo).toBe(true);
    // a space is not allowed in a group id
    const onHost = sampleFinding({ fields: { dest: "wks 1.corp", user: "u" } });
    expect(sink.findingMessage(onHost)).toMatchObject({
      groupId: "wks_1.corp",
      dedupId: "a".repeat(64),
    });
    expect(sink.summaryMessage(summary)).toMatchObject({
      groupId: "s".repeat(64),
      dedupId: "s".repeat(64),
    });
  });
});

describe("sqsJson", () => {
  it("escapes the characters SQS rejects and keeps the value", () => {
    const value = { cmd: "a\uFFFFb\uFFFEc\u0001d\uD800" };
    const body = sqsJson(value);
    for (const c of ["\uFFFE", "\uFFFF", "\u0001"]) expect(body).not.toContain(c);
    expect(body).not.toMatch(/[\uD800-\uDFFF]/);
    expect(JSON.parse(body)).toEqual(value);
  });
});
