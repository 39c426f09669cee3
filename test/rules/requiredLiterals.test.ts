import { describe, expect, it } from "vitest";
import { datamodelSpec } from "../../src/model/datamodels.js";
import { dispatchKeys } from "../../src/rules/dispatchKeys.js";
import { literalFields, requiredLiterals } from "../../src/rules/requiredLiterals.js";
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

describe("requiredLiterals' choice of literal", () => {
  const processes = datamodelSpec("Endpoint.Processes");
  const withNames = (where: string) => {
    const expr = parseWhere(where);
    return requiredLiterals(expr, processes, dispatchKeys(expr, processes));
  };

  it("passes over runs most Windows events hold, for another run of the same value", () => {
    // by length alone these gave `system` and `.exe`, which every process event holds
    expect(lits("Processes.process=*BEGIN*system*")).toEqual(["begin"]);
    expect(lits("Processes.parent_process_name=http*.exe")).toEqual(["http"]);
    // with nothing better, a common run is still a guarantee (a weak one)
    expect(lits("Processes.original_file_name=7z*.exe")).toEqual([".exe"]);
  });

  it("prefers, of an AND, a set with no common literal, then one that is not the indexed image", () => {
    expect(lits("Processes.process=*system* Processes.process=*sudo*")).toEqual(["sudo"]);
    expect(lits("Processes.process=*sudo* Processes.process=*\\windows\\system32\\*")).toEqual([
      "sudo",
    ]);
    // the image name restates what the index chose by: a command-line literal tells more
    expect(withNames('Processes.process_name=cmd.exe Processes.process="* rd *"')).toEqual([
      " rd ",
    ]);
    expect(
      withNames(
        "Processes.process_name=cmd.exe Processes.parent_process_name IN (winword.exe, excel.exe)",
      ),
    ).toEqual(["winword.exe", "excel.exe"]);
    // without names, or with nothing better, the image is still the guarantee
    expect(lits('Processes.process_name=cmd.exe Processes.process="* rd *"')).toEqual(["cmd.exe"]);
    expect(withNames("Processes.process_name=netstat.exe Processes.process=*-a*")).toEqual([
      "netstat.exe",
    ]);
    // among good sets, fewer alternatives first, as before
    expect(
      lits(
        "(Processes.process=*cmd.exe* OR Processes.process=*%comspec%*) Processes.process=*echo*",
      ),
    ).toEqual(["echo"]);
  });
});

describe("literalFields", () => {
  const fields = (where: string) =>
    literalFields(parseWhere(where), datamodelSpec("Endpoint.Processes")).sort();

  it("names every verbatim field compared anywhere, negated ones included", () => {
    expect(
      fields(
        "(Processes.process_name=a.exe OR Processes.parent_process IN (*x*, *y*)) NOT Processes.process_path=*z* Processes.user=bob Processes.process_id=1",
      ),
    ).toEqual(["parent_process", "process_name", "process_path"]);
    expect(fields("Processes.user=bob")).toEqual([]);
  });

  it("holds the field of every literal requiredLiterals gives", () => {
    for (const where of [
      'Processes.process_name="netstat.exe" Processes.process=*-a*',
      "Processes.user=x Processes.process=*whoami*",
      "Processes.process_name=cmd.exe OR Processes.original_file_name=Cmd.Exe",
    ]) {
      expect(lits(where)).not.toBeNull();
      expect(fields(where).length).toBeGreaterThan(0);
    }
    expect(fields("Processes.user=x Processes.process=*whoami*")).toEqual(["process"]);
  });
});
