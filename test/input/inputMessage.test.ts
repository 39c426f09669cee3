import { describe, expect, it } from "vitest";
import { aboutInput, withoutInput } from "../../src/input/inputMessage.js";

describe("aboutInput / withoutInput", () => {
  it("names a file or S3 input with ': ', stdin: with one colon only", () => {
    expect(aboutInput("file:///x.log", "no such file")).toBe("file:///x.log: no such file");
    expect(aboutInput("s3://b/k", "gone")).toBe("s3://b/k: gone");
    expect(aboutInput("stdin:", "xml, 2 events")).toBe("stdin: xml, 2 events");
  });

  it("takes off only the name aboutInput put first", () => {
    for (const uri of ["file:///x.log", "stdin:"])
      expect(withoutInput(uri, aboutInput(uri, "bad gzip"))).toBe("bad gzip");
    expect(withoutInput("file:///x.log", "file:///y.log: bad")).toBe("file:///y.log: bad");
    expect(withoutInput("stdin:", "bad gzip")).toBe("bad gzip");
  });
});
