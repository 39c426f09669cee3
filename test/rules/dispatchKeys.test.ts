import { describe, expect, it } from "vitest";
import { datamodelSpec } from "../../src/model/datamodels.js";
import { dispatchKeys } from "../../src/rules/dispatchKeys.js";
import { parseWhere } from "../../src/rules/spl/parseWhere.js";

const keys = (where: string) =>
  dispatchKeys(parseWhere(where), datamodelSpec("Endpoint.Processes"));

describe("dispatchKeys", () => {
  it("indexes exact image names from process_name and original_file_name", () => {
    expect(keys('Processes.process_name="netstat.exe" Processes.process=*-a*')).toEqual([
      "netstat.exe",
    ]);
    expect(
      keys(
        "(Processes.process_name=cmd.exe OR Processes.original_file_name=Cmd.Exe) Processes.process=*/c*",
      ),
    ).toEqual(["cmd.exe"]);
    expect(keys("Processes.process_name IN (wmic.exe, WMIC.EXE, net.exe)")).toEqual([
      "wmic.exe",
      "net.exe",
    ]);
  });

  it("picks the smallest key set of an AND and gives up on wildcards, negations and other fields", () => {
    expect(
      keys("Processes.process_name IN (a.exe, b.exe) Processes.original_file_name=b.exe"),
    ).toEqual(["b.exe"]);
    expect(keys("Processes.process_name=*.exe")).toBeNull();
    expect(keys("NOT Processes.process_name=cmd.exe")).toBeNull();
    expect(keys("Processes.process_name=cmd.exe OR Processes.process=*whoami*")).toBeNull();
    expect(keys("Processes.parent_process_name=cmd.exe")).toBeNull();
  });
});
