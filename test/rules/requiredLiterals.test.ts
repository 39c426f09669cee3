import { describe, expect, it } from "vitest";
import { datamodelSpec } from "../../src/model/datamodels.js";
import { requiredLiterals } from "../../src/rules/requiredLiterals.js";
import { parseWhere } from "../../src/rules/spl/parseWhere.js";

const lits = (where: string) =>
  requiredLiterals(parseWhere(where), datamodelSpec("Endpoint.Processes"));

describe("requiredLiterals", () => {
  it("takes the longest XML-safe ASCII run of a verbatim field's value", () => {
    expect(lits('Processes.process_name="netstat.exe" Processes.process=*-a*')).toEqual([
      "netstat.exe",
    ]);
    expect(lits("Processes.process=*Get-NetTcpConnection*")).toEqual(["get-nettcpconnection"]);
    expect(lits('Processes.process="*a&b \\"quoted value\\"*"')).toEqual(["quoted value"]);
  });

  it("unions OR and IN alternatives, and gives up when one has no literal", () => {
    expect(lits("Processes.process_name IN (cmd.exe, powershell.exe)")).toEqual([
      "cmd.exe",
      "powershell.exe",
    ]);
    expect(lits("Processes.process_name=cmd.exe OR Processes.original_file_name=Cmd.Exe")).toEqual([
      "cmd.exe",
    ]);
    expect(lits("Processes.process_name=cmd.exe OR Processes.user=bob")).toBeNull();
    expect(lits("Processes.process_name IN (cmd.exe, *)")).toBeNull();
  });

  it("gives no guarantee for negations, converted fields and short values", () => {
    expect(lits("NOT Processes.process_name=netstat.exe")).toBeNull();
    expect(lits("Processes.process_name!=netstat.exe")).toBeNull();
    expect(lits("Processes.user=CORP\\\\alice")).toBeNull();
    expect(lits("Processes.process_id=1234")).toBeNull();
    expect(lits("Processes.process=*-a*")).toBeNull();
    expect(lits("Processes.user=x Processes.process=*whoami*")).toEqual(["whoami"]);
  });
});
