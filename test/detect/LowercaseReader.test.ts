import { describe, expect, it } from "vitest";
import { LowercaseReader } from "../../src/detect/LowercaseReader.js";
import { DATAMODEL } from "../../src/model/datamodels.js";
import type { CimRecord } from "../../src/model/types.js";

function record(fields: Record<string, string>): CimRecord {
  return { datamodel: DATAMODEL.processes, fields, time: 0, position: { line: 1 } };
}

describe("LowercaseReader", () => {
  it("reads each record's own fields, lower-cased, present or missing", () => {
    const reader = new LowercaseReader();
    const read = reader.reset(record({ process_name: "NETSTAT.EXE", user: "SYSTEM" }));
    expect(read("process_name")).toBe("netstat.exe");
    expect(read("process_name")).toBe("netstat.exe");
    expect(read("dest")).toBeUndefined();
    // the next record: nothing of the last one is kept, whatever was read of it
    const next = reader.reset(record({ dest: "WKS-01", process_name: "Cmd.exe" }));
    expect(next).toBe(read);
    expect(read("dest")).toBe("wks-01");
    expect(read("process_name")).toBe("cmd.exe");
    expect(read("user")).toBeUndefined();
    reader.reset(record({ user: "Bob" }));
    expect(read("process_name")).toBeUndefined();
    expect(read("user")).toBe("bob");
  });
});
