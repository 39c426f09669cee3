import { describe, expect, it } from "vitest";
import {
  fifoGroupId,
  messageBytes,
  type OutboundMessage,
  SQS_LIMITS,
  toBatches,
} from "../../src/sinks/sqsBatches.js";

const msg = (bytes: number, attrs: OutboundMessage["attributes"] = {}): OutboundMessage => ({
  body: "x".repeat(bytes),
  attributes: attrs,
});

describe("messageBytes", () => {
  it("counts the UTF-8 body and each attribute's name, type and value", () => {
    expect(messageBytes({ body: "é", attributes: {} })).toBe(2);
    expect(
      messageBytes({
        body: "ab",
        attributes: { kind: { DataType: "String", StringValue: "finding" } },
      }),
    ).toBe(2 + 4 + 6 + 7);
  });
});

describe("toBatches", () => {
  it("never puts more than 10 entries in a batch, keeping order", () => {
    const batches = toBatches(
      Array.from({ length: 23 }, (_, i) => ({ body: String(i), attributes: {} })),
    );
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat().map((m) => m.body)).toEqual(
      Array.from({ length: 23 }, (_, i) => String(i)),
    );
  });
  it("never exceeds 256 KiB in a batch", () => {
    const batches = toBatches(Array.from({ length: 10 }, () => msg(60 * 1024)));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    for (const b of batches)
      expect(b.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(
        SQS_LIMITS.maxBatchBytes,
      );
  });
  it("fills a batch exactly to the limit, then starts the next", () => {
    const half = SQS_LIMITS.maxBatchBytes / 2;
    expect(toBatches([msg(half), msg(half), msg(1)]).map((b) => b.length)).toEqual([2, 1]);
  });
  it("sends a message larger than the limit on its own", () => {
    const batches = toBatches([msg(10), msg(300 * 1024), msg(10)]);
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1]);
  });
  it("gives no batch for no messages", () => {
    expect(toBatches([])).toEqual([]);
  });
});

describe("fifoGroupId", () => {
  it("keeps printable ASCII, replaces the rest and caps at 128 characters", () => {
    expect(fifoGroupId("wks-fin-07.corp.example.com")).toBe("wks-fin-07.corp.example.com");
    expect(fifoGroupId("wks fin ü")).toBe("wks_fin__");
    expect(fifoGroupId("a".repeat(200))).toHaveLength(128);
    expect(fifoGroupId(undefined)).toBe("unknown");
    expect(fifoGroupId("")).toBe("unknown");
  });
});
