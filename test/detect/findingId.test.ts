import { describe, expect, it } from "vitest";
import { findingId } from "../../src/detect/findingId.js";

describe("findingId", () => {
  const id = (source: Parameters<typeof findingId>[2]) => findingId("rule", ["h", "u"], source);

  it("tells apart two contents of one key in an unversioned bucket by their eTag", () => {
    const a = id({ uri: "s3://b/k", etag: "e1" });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(id({ uri: "s3://b/k", etag: "e1" })).toBe(a);
    expect(id({ uri: "s3://b/k", etag: "e2" })).not.toBe(a);
    expect(id({ uri: "s3://b/k" })).not.toBe(a);
  });

  it("keys a versioned object on its version id alone (the eTag does not change the id)", () => {
    const v = id({ uri: "s3://b/k", versionId: "v1", etag: "e1" });
    expect(id({ uri: "s3://b/k", versionId: "v1", etag: "e2" })).toBe(v);
    expect(id({ uri: "s3://b/k", versionId: "v1" })).toBe(v);
    expect(id({ uri: "s3://b/k", versionId: "v2", etag: "e1" })).not.toBe(v);
  });

  it("depends on the detection, the by-values and the uri", () => {
    const base = findingId("rule", ["h", "u"], { uri: "file:///a" });
    expect(findingId("other", ["h", "u"], { uri: "file:///a" })).not.toBe(base);
    expect(findingId("rule", ["h", "v"], { uri: "file:///a" })).not.toBe(base);
    expect(findingId("rule", ["h", "u"], { uri: "file:///b" })).not.toBe(base);
  });
});
