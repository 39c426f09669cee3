import { describe, expect, it } from "vitest";
import { compilePipes, type GroupInput } from "../../../../src/rules/spl/eval/pipeline.js";
import { PROCESS_ROW_SPEC } from "./rowSpec.js";

const SPEC = PROCESS_ROW_SPEC;

const T0 = Date.parse("2024-03-01T10:00:00Z");

function group(process: string, extra: Partial<GroupInput> = {}): GroupInput {
  return {
    by: ["host1", process.split("\\").pop()?.split(" ")[0] ?? "", process],
    count: 3,
    minTime: T0,
    maxTime: T0 + 90_500,
    aggregates: { process_ids: ["10", "11"] },
    ...extra,
  };
}

const DROP = "rename Processes.* as *";
const CTIME = 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)';

function run(pipes: string[], g: GroupInput = group("C:\\Windows\\notepad.exe")) {
  const rows = compilePipes(pipes, SPEC).run([g], (_i, err) => {
    throw err;
  });
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0] ?? null;
}

describe("compilePipes: the row after tstats", () => {
  it("sees raw names before the rename and plain names after it", () => {
    expect(run(["where count >= 3", DROP])).not.toBeNull();
    expect(run(["where count >= 4", DROP])).toBeNull();
    expect(run([DROP, 'where process_name = "notepad.exe"'])).not.toBeNull();
    expect(run(['where process_name = "notepad.exe"', DROP])).toBeNull();
    expect(run(["where 'Processes.process_name' = \"notepad.exe\"", DROP])).not.toBeNull();
  });

  it("keeps firstTime/lastTime as epoch seconds until convert ctime() formats them", () => {
    const raw = run([DROP, "eval t = firstTime + 1"]);
    expect(raw?.computed).toEqual({ t: T0 / 1000 + 1 });
    expect(raw?.text.lastTime).toBe(String((T0 + 90_500) / 1000));
    const formatted = run([DROP, CTIME, "eval t = firstTime"]);
    expect(formatted?.text.firstTime).toBe("2024-03-01T10:00:00");
    expect(formatted?.computed).toEqual({ t: "2024-03-01T10:00:00" });
    expect(run([DROP, "convert ctime(lastTime)"])?.text.lastTime).toBe("03/01/2024 10:01:30");
  });

  it("reports only the fields pipes created or changed, with message text", () => {
    const out = run([
      DROP,
      "eval n=mvcount(process_ids), up=upper(process_name)",
      "eval process=process_name",
    ]);
    expect(out?.computed).toEqual({ n: 2, up: "NOTEPAD.EXE", process: "notepad.exe" });
    expect(out?.text).toMatchObject({ n: "2", up: "NOTEPAD.EXE", count: "3" });
    expect(run([DROP, "eval x = nosuchfield"])?.computed).toEqual({});
  });

  it("rex extracts named groups, leaves the row alone on no match, and max_match makes lists", () => {
    const rex =
      'rex field=process "^.*?\\\\\\\\(?<service_process>[^\\\\\\\\]*\\.(?:exe|bat|com|ps1))"';
    const pipes = [
      DROP,
      rex,
      "eval service_process = lower(service_process)",
      "where process_name != service_process",
    ];
    expect(run(pipes, group("C:\\Program.exe Files\\svc\\svc.exe"))?.computed).toMatchObject({
      service_process: "program.exe",
    });
    expect(run(pipes, group("C:\\Windows\\notepad.exe"))).toBeNull();
    expect(run([DROP, 'rex field=process "(?<word>zzz)"'])?.computed).toEqual({});
    const many = run(
      [DROP, 'rex field=process max_match=0 "(?<part>[a-z]+)\\\\\\\\"'],
      group("C:\\ab\\cd\\e.exe"),
    );
    expect(many?.computed).toEqual({ part: ["ab", "cd"] });
    expect(run(['rex field=Processes.process "(?<drive>^[A-Z]):"', DROP])?.computed).toEqual({
      drive: "C",
    });
  });

  it("regex keeps or drops rows on a field", () => {
    const noArgs = 'regex process="(?i)(notepad\\.exe.{0,4}$)"';
    expect(run([DROP, noArgs])).not.toBeNull();
    expect(run([DROP, noArgs], group("C:\\Windows\\notepad.exe C:\\x.txt"))).toBeNull();
    expect(run([DROP, 'regex process!="txt"'])).not.toBeNull();
    expect(run([DROP, 'regex nosuch="."'])).toBeNull();
    expect(run([DROP, 'regex nosuch!="."'])).not.toBeNull();
    expect(run([DROP, 'regex process="\\\\x{202E}"'], group("C:\\a\u202Etxt.exe"))).not.toBeNull();
  });

  it("search filters rows with search semantics (case-insensitive wildcards, OR before AND)", () => {
    expect(run([DROP, "search process=*NOTEPAD*"])).not.toBeNull();
    expect(run([DROP, 'search process="*deletejournal*" AND process="*usn*"'])).toBeNull();
    expect(run([DROP, "search count > 2 OR count < 1 process_name=notepad.exe"])).not.toBeNull();
    expect(run([DROP, "search count > 5 OR count < 1 process_name=notepad.exe"])).toBeNull();
    expect(run([DROP, "search nosuch!=x"])).toBeNull();
    expect(run([DROP, "search NOT nosuch=x"])).not.toBeNull();
    expect(run([DROP, "search process_ids=11"])).not.toBeNull();
    expect(run([DROP, "search *"])).not.toBeNull();
  });

  it("rename with wildcards and lists, table and fields project", () => {
    const out = run([DROP, "rename process* as parent_process*, dest as src", "eval x=1"]);
    expect(out?.computed).toMatchObject({ parent_process_name: "notepad.exe", src: "host1" });
    expect(run(['rename "Processes".* as *', "where isnotnull(dest)"])).not.toBeNull();
    expect(run([DROP, "eval a=1, b=2", "table count, a"])?.computed).toEqual({ a: 1 });
    expect(run([DROP, "eval a=1, b=2", "fields - b"])?.computed).toEqual({ a: 1 });
    expect(run([DROP, "eval a=1, ab=2, c=3", "fields a*"])?.computed).toEqual({ a: 1, ab: 2 });
  });

  it("names the pipe and the reason for what it does not run", () => {
    const reason = (pipe: string): string => {
      try {
        compilePipes([DROP, pipe], SPEC);
        return "compiled";
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    };
    expect(
      reason("join process_guid [ | tstats count from datamodel=Endpoint.Filesystem ]"),
    ).toMatch(
      /^UnsupportedSearchError: pipe "\| join process_guid \[" after tstats: join runs a subsearch/,
    );
    expect(reason("lookup tools name AS process_name OUTPUT x")).toMatch(/lookup tables/);
    expect(reason("apply model")).toMatch(/MLTK/);
    expect(reason("search [| inputlookup x]")).toMatch(/subsearch/);
    expect(reason("search malware")).toMatch(/bare terms/);
    expect(reason('eval x=relative_time(now(), "-1d")')).toMatch(/eval function relative_time\(\)/);
    expect(reason('regex "x"')).toMatch(/without a field/);
    expect(reason('rex "(?<a>x)"')).toMatch(/rex without field=/);
    expect(reason('rex field=process mode=sed "s/a/b/"')).toMatch(/mode=sed/);
    expect(reason('regex process="(?>a)"')).toMatch(/atomic group/);
    expect(reason("convert dur2sec(x)")).toMatch(/convert function dur2sec/);
    expect(reason("where x=")).toMatch(/^SplSyntaxError/);
    expect(reason("eval =1")).toMatch(/^SplSyntaxError/);
    expect(reason('convert timeformat="%Q" ctime(firstTime)')).toMatch(/%Q/);
    expect(reason("sort - count")).toMatch(/command sort is not supported/);
    expect(reason("dedup dest sortby -count")).toMatch(/dedup sortby/);
    expect(reason("join type=sideways dest [| tstats count from datamodel=x]")).toMatch(
      /^SplSyntaxError.*join type=sideways/,
    );
    expect(reason("join dest")).toMatch(/join without a \[subsearch\]/);
  });
});
