import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NotificationError } from "../../src/input/errors.js";
import {
  decodeS3Key,
  encodeS3Key,
  parseLambdaEvent,
  parseNotification,
} from "../../src/input/s3Notifications.js";

const EVENTS = new URL("../../events/", import.meta.url);
const event = (name: string): unknown => JSON.parse(readFileSync(new URL(name, EVENTS), "utf8"));
const ETAG = "7a3c101ba9f97e4f07a0349cdf192e76";

function s3Record(key: string, eventName = "ObjectCreated:Put") {
  return {
    eventSource: "aws:s3",
    eventName,
    eventTime: "2026-04-14T10:00:00.000Z",
    s3: { bucket: { name: "b" }, object: { key, size: 5, eTag: "abc", sequencer: "01" } },
  };
}

describe("decodeS3Key / encodeS3Key", () => {
  it("decodes form encoding: + is a space, %2B a plus, UTF-8 escapes", () => {
    expect(decodeS3Key("logs/wks+fin+07/a%2Bb.log")).toBe("logs/wks fin 07/a+b.log");
    expect(decodeS3Key("d%C3%BCsseldorf/%E6%97%A5%E6%9C%AC.log")).toBe("düsseldorf/日本.log");
    expect(decodeS3Key("a%3Db%3Bc")).toBe("a=b;c");
  });
  it("keeps a malformed escape literally instead of failing", () => {
    expect(decodeS3Key("100%+done%2B")).toBe("100% done+");
  });
  it("round-trips keys with spaces, plus signs, percent signs and non-ASCII", () => {
    for (const key of ["a b+c/ü 日本.log", "x%y/+/ /z", "plain/key.log", "we(i)rd*!'~.gz"]) {
      const encoded = encodeS3Key(key);
      expect(encoded).not.toContain(" ");
      expect(decodeS3Key(encoded)).toBe(key);
    }
  });
});

describe("parseLambdaEvent on the shipped sample events", () => {
  it("s3-put.json: a direct S3 notification", () => {
    const input = parseLambdaEvent(event("s3-put.json"));
    expect(input.kind).toBe("direct");
    if (input.kind !== "direct") return;
    expect(input.notification.objects).toEqual([
      {
        bucket: "sysmon-hunt-logs",
        key: "incoming/2026-04-14/sample-sysmon.log",
        eTag: ETAG,
        sequencer: "0066A1F2C3D4E5F601",
        size: 25646,
        eventName: "ObjectCreated:Put",
        eventTime: "2026-04-14T10:00:00.123Z",
      },
    ]);
  });
  it("sqs-s3.json: SQS batch of S3 notifications, key decoded, versionId kept", () => {
    const input = parseLambdaEvent(event("sqs-s3.json"));
    expect(input.kind).toBe("sqs");
    if (input.kind !== "sqs") return;
    expect(input.records).toHaveLength(1);
    expect(input.records[0]?.messageId).toBe("059f36b4-87a3-44ab-83d2-661975830a7d");
    expect(input.records[0]?.notification?.objects[0]).toMatchObject({
      key: "incoming/wks fin 07/sample-sysmon+day1.log",
      versionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
      eTag: ETAG,
      sequencer: "0066A1F2C3D4E5F602",
    });
  });
  it("sns-sqs-s3.json: SNS envelope inside SQS", () => {
    const input = parseLambdaEvent(event("sns-sqs-s3.json"));
    if (input.kind !== "sqs") throw new Error("expected sqs");
    expect(input.records[0]?.notification?.objects.map((o) => o.key)).toEqual([
      "incoming/srv-app-02/sample-sysmon.log",
    ]);
  });
  it("eventbridge-object-created.json: key used as given (not form-encoded)", () => {
    const input = parseLambdaEvent(event("eventbridge-object-created.json"));
    if (input.kind !== "direct") throw new Error("expected direct");
    expect(input.notification.objects[0]).toMatchObject({
      bucket: "sysmon-hunt-logs",
      key: "incoming/srv app 02/sample-sysmon.log",
      eTag: ETAG,
      size: 25646,
      eventName: "Object Created",
    });
  });
  it("s3-test-event.json: the s3:TestEvent is ignored, not an error", () => {
    const input = parseLambdaEvent(event("s3-test-event.json"));
    if (input.kind !== "sqs") throw new Error("expected sqs");
    expect(input.records[0]?.error).toBeUndefined();
    expect(input.records[0]?.notification?.objects).toEqual([]);
    expect(input.records[0]?.notification?.ignored[0]).toMatch(/s3:TestEvent/);
  });
});

describe("parseNotification", () => {
  it("passes over events that are not object creation", () => {
    const n = parseNotification({
      Records: [s3Record("a", "ObjectRemoved:Delete"), s3Record("b+c")],
    });
    expect(n.objects.map((o) => o.key)).toEqual(["b c"]);
    expect(n.ignored).toEqual(["ObjectRemoved:Delete for s3://b/a"]);
  });
  it("strips quotes from an eTag and reads a raw-delivery SNS body", () => {
    const body = JSON.stringify({
      Records: [
        { ...s3Record("k"), s3: { bucket: { name: "b" }, object: { key: "k", eTag: '"q"' } } },
      ],
    });
    expect(parseNotification(body).objects[0]?.eTag).toBe("q");
  });
  it("rejects what is not a notification, naming the problem", () => {
    expect(() => parseNotification("{nope")).toThrow(NotificationError);
    expect(() => parseNotification({ hello: 1 })).toThrow(/not an S3 event notification/);
    expect(() =>
      parseNotification({ Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: {} } }] }),
    ).toThrow(/lacks s3.bucket.name/);
  });
  it("EventBridge events of other types are ignored", () => {
    const n = parseNotification({
      source: "aws.s3",
      "detail-type": "Object Deleted",
      detail: { bucket: { name: "b" }, object: { key: "k" } },
    });
    expect(n).toEqual({ objects: [], ignored: ["Object Deleted for s3://b/k"] });
  });
});

describe("parseLambdaEvent on SQS batches", () => {
  it("marks only the unreadable record as failed", () => {
    const input = parseLambdaEvent({
      Records: [
        {
          eventSource: "aws:sqs",
          messageId: "ok",
          body: JSON.stringify({ Records: [s3Record("x")] }),
        },
        { eventSource: "aws:sqs", messageId: "bad", body: "not json" },
      ],
    });
    if (input.kind !== "sqs") throw new Error("expected sqs");
    expect(input.records[0]?.notification?.objects).toHaveLength(1);
    expect(input.records[1]?.error).toBeInstanceOf(NotificationError);
  });
  it("throws for a direct event of unknown shape", () => {
    expect(() => parseLambdaEvent({ detail: 1 })).toThrow(NotificationError);
  });
});
