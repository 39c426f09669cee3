import { describe, expect, it } from "vitest";
import type { SigmaRuleError } from "../../../src/rules/sigma/errors.js";
import { proc, selRule, sysmonEvent } from "./helpers.js";

const cmd = (CommandLine: string) => proc({ CommandLine, Image: "C:\\Windows\\System32\\cmd.exe" });

describe("plain values", () => {
  it("match the whole value, case-insensitively", () => {
    const r = selRule("Image: 'C:\\Windows\\System32\\CMD.exe'");
    expect(r.match(proc({ Image: "c:\\windows\\system32\\cmd.EXE" }))).toBe(true);
    expect(r.match(proc({ Image: "c:\\windows\\system32\\cmd.exe2" }))).toBe(false);
    expect(r.match(proc({ CommandLine: "x" }))).toBe(false);
  });

  it("read * and ? as wildcards, and backslash escapes them", () => {
    const r = selRule("CommandLine: 'a*b?d'");
    expect(r.match(cmd("aXXbcd"))).toBe(true);
    expect(r.match(cmd("abcd"))).toBe(true);
    expect(r.match(cmd("abd"))).toBe(false);
    expect(r.match(cmd("aXbccd"))).toBe(false);
    const lit = selRule("CommandLine: 'a\\*b\\?'");
    expect(lit.match(cmd("a*b?"))).toBe(true);
    expect(lit.match(cmd("aXb?"))).toBe(false);
    // `\\*`: an escaped backslash, then a wildcard.
    const bs = selRule("CommandLine: 'x\\\\*'");
    expect(bs.match(cmd("x\\anything"))).toBe(true);
    expect(bs.match(cmd("xanything"))).toBe(false);
  });

  it("keep a single backslash before other characters and collapse a double one", () => {
    const r = selRule("CommandLine|startswith: '\\\\\\\\127.0.0.1\\\\ADMIN$\\'");
    expect(r.match(cmd("\\\\127.0.0.1\\ADMIN$\\x"))).toBe(true);
    expect(r.match(cmd("\\127.0.0.1\\ADMIN$\\x"))).toBe(false);
    expect(selRule("Image|endswith: '\\cmd.exe'").match(cmd("x"))).toBe(true);
  });

  it("compare numbers with their text and lists as OR, maps as AND", () => {
    const r = selRule("ProcessId: 4\nParentProcessId:\n    - 10\n    - 20");
    expect(r.match(proc({ ProcessId: "4", ParentProcessId: "20" }))).toBe(true);
    expect(r.match(proc({ ProcessId: "4", ParentProcessId: "30" }))).toBe(false);
    expect(r.match(proc({ ProcessId: "5", ParentProcessId: "10" }))).toBe(false);
  });

  it("match null when the field is absent or empty, and '' only when empty", () => {
    const n = selRule("OriginalFileName: null");
    expect(n.match(proc({}))).toBe(true);
    expect(n.match(proc({ OriginalFileName: "" }))).toBe(true);
    expect(n.match(proc({ OriginalFileName: "a" }))).toBe(false);
    const e = selRule("OriginalFileName: ''");
    expect(e.match(proc({ OriginalFileName: "" }))).toBe(true);
    expect(e.match(proc({}))).toBe(false);
  });

  it("read System fields by their Sigma names", () => {
    const r = selRule(
      "EventID: 1\nChannel: 'Microsoft-Windows-Sysmon/Operational'\nComputer: HOST1\nProvider_Name: Microsoft-Windows-Sysmon",
    );
    expect(r.match(proc({}))).toBe(true);
    expect(selRule("Computer: other").match(proc({}))).toBe(false);
  });
});

describe("string modifiers", () => {
  it("contains, startswith, endswith", () => {
    expect(selRule("CommandLine|contains: ' -enc '").match(cmd("powershell -ENC abc"))).toBe(true);
    expect(selRule("CommandLine|contains: ' -enc '").match(cmd("powershell -encx"))).toBe(false);
    expect(selRule("CommandLine|startswith: 'power'").match(cmd("PowerShell -x"))).toBe(true);
    expect(selRule("CommandLine|startswith: 'power'").match(cmd("xpowershell"))).toBe(false);
    expect(selRule("CommandLine|endswith: '.ps1'").match(cmd("run a.PS1"))).toBe(true);
    expect(selRule("CommandLine|endswith: '.ps1'").match(cmd("run a.ps1 "))).toBe(false);
  });

  it("contains|all needs every value, contains any one", () => {
    const all = selRule("CommandLine|contains|all:\n    - 'a1'\n    - 'b2'");
    expect(all.match(cmd("x b2 y a1"))).toBe(true);
    expect(all.match(cmd("x a1"))).toBe(false);
    const any = selRule("CommandLine|contains:\n    - 'a1'\n    - 'b2'");
    expect(any.match(cmd("x a1"))).toBe(true);
    expect(any.match(cmd("x c3"))).toBe(false);
  });

  it("windash accepts - / and the three long dashes for a switch prefix only", () => {
    const r = selRule("CommandLine|contains|windash: ' -urlcache '");
    for (const d of ["-", "/", "\u2013", "\u2014", "\u2015"])
      expect(r.match(cmd(`certutil ${d}urlcache f`))).toBe(true);
    expect(r.match(cmd("certutil +urlcache f"))).toBe(false);
    // A dash inside a word is not a switch prefix.
    const mid = selRule("CommandLine|contains|windash: 'foo-bar'");
    expect(mid.match(cmd("foo-bar"))).toBe(true);
    expect(mid.match(cmd("foo/bar"))).toBe(false);
  });

  it("cased compares with case", () => {
    const r = selRule("CommandLine|contains|cased: 'MiXeD'");
    expect(r.match(cmd("x MiXeD y"))).toBe(true);
    expect(r.match(cmd("x mixed y"))).toBe(false);
  });

  it("neq negates the item (a missing field counts as different)", () => {
    const r = selRule("User|neq: 'NT AUTHORITY\\SYSTEM'");
    expect(r.match(proc({ User: "corp\\alice" }))).toBe(true);
    expect(r.match(proc({ User: "nt authority\\system" }))).toBe(false);
    expect(r.match(proc({}))).toBe(true);
    const list = selRule("IntegrityLevel|neq:\n    - High\n    - System");
    expect(list.match(proc({ IntegrityLevel: "Medium" }))).toBe(true);
    expect(list.match(proc({ IntegrityLevel: "System" }))).toBe(false);
  });
});

describe("regular expressions", () => {
  it("re is case-sensitive and searches anywhere; i, m and s set flags", () => {
    const r = selRule("CommandLine|re: 'net\\s+user\\s+'");
    expect(r.match(cmd("cmd /c net  user bob"))).toBe(true);
    expect(r.match(cmd("cmd /c NET USER bob"))).toBe(false);
    expect(selRule("CommandLine|re|i: 'net\\s+user\\s+'").match(cmd("NET USER bob"))).toBe(true);
    expect(selRule("CommandLine|re: '(?i)net\\s+user'").match(cmd("NET USER bob"))).toBe(true);
    expect(selRule("CommandLine|re: '^b$'").match(cmd("a\nb"))).toBe(false);
    expect(selRule("CommandLine|re|m: '^b$'").match(cmd("a\nb"))).toBe(true);
    expect(selRule("CommandLine|re: 'a.b'").match(cmd("a\nb"))).toBe(false);
    expect(selRule("CommandLine|re|s: 'a.b'").match(cmd("a\nb"))).toBe(true);
  });
});

describe("typed modifiers", () => {
  it("cidr matches IPv4 and IPv6 networks", () => {
    const r = selRule(
      "DestinationIp|cidr:\n    - '10.0.0.0/8'\n    - 'fe80::/10'\n    - '192.168.1.7'",
    );
    const net = (ip: string) => sysmonEvent(1, { DestinationIp: ip });
    expect(r.match(net("10.200.3.4"))).toBe(true);
    expect(r.match(net("11.0.0.1"))).toBe(false);
    expect(r.match(net("fe80:0:0:0:1c2b:3a4d:5e6f:7a8b"))).toBe(true);
    expect(r.match(net("fec0::1"))).toBe(false);
    expect(r.match(net("192.168.1.7"))).toBe(true);
    expect(r.match(net("192.168.1.8"))).toBe(false);
    expect(r.match(net("not an ip"))).toBe(false);
  });

  it("lt, lte, gt, gte compare numbers (hex too)", () => {
    const ev = (n: string) => proc({ TerminalSessionId: n });
    expect(selRule("TerminalSessionId|lt: 2").match(ev("1"))).toBe(true);
    expect(selRule("TerminalSessionId|lt: 2").match(ev("2"))).toBe(false);
    expect(selRule("TerminalSessionId|lte: 2").match(ev("2"))).toBe(true);
    expect(selRule("TerminalSessionId|gt: 15").match(ev("0x10"))).toBe(true);
    expect(selRule("TerminalSessionId|gt: 16").match(ev("16"))).toBe(false);
    expect(selRule("TerminalSessionId|gte: 16").match(ev("16"))).toBe(true);
    expect(selRule("TerminalSessionId|gte: 16").match(ev("abc"))).toBe(false);
  });

  it("exists tests presence", () => {
    expect(selRule("Hashes|exists: true").match(proc({ Hashes: "x" }))).toBe(true);
    expect(selRule("Hashes|exists: true").match(proc({}))).toBe(false);
    expect(selRule("Hashes|exists: false").match(proc({}))).toBe(true);
    expect(selRule("Hashes|exists: false").match(proc({ Hashes: "" }))).toBe(false);
  });

  it("fieldref compares two fields, with contains/startswith/endswith", () => {
    const r = selRule("User|fieldref: ParentUser");
    expect(r.match(proc({ User: "CORP\\bob", ParentUser: "corp\\BOB" }))).toBe(true);
    expect(r.match(proc({ User: "corp\\bob", ParentUser: "corp\\eve" }))).toBe(false);
    expect(r.match(proc({ User: "corp\\bob" }))).toBe(false);
    const c = selRule("CommandLine|fieldref|contains: Image");
    expect(c.match(proc({ CommandLine: '"C:\\a.exe" -x', Image: "c:\\a.exe" }))).toBe(true);
    expect(c.match(proc({ CommandLine: "b.exe -x", Image: "c:\\a.exe" }))).toBe(false);
    expect(
      selRule("CommandLine|fieldref|startswith: Image").match(
        proc({ CommandLine: "c:\\a.exe -x", Image: "c:\\a.exe" }),
      ),
    ).toBe(true);
    expect(
      selRule("CommandLine|fieldref|endswith: Image").match(
        proc({ CommandLine: "c:\\a.exe -x", Image: "c:\\a.exe" }),
      ),
    ).toBe(false);
    expect(
      selRule("User|fieldref|neq: ParentUser").match(proc({ User: "a", ParentUser: "b" })),
    ).toBe(true);
  });

  it("expand replaces placeholders from the map, and a rule without values is unsupported", () => {
    const text = "User|expand: '%Administrators%'";
    const r = selRule(text, { placeholders: { Administrators: ["CORP\\admin*", "root"] } });
    expect(r.match(proc({ User: "corp\\administrator" }))).toBe(true);
    expect(r.match(proc({ User: "root" }))).toBe(true);
    expect(r.match(proc({ User: "corp\\bob" }))).toBe(false);
    expect(() => selRule(text)).toThrow(/placeholder %Administrators% has no value/);
    // Without `expand`, a %name% is literal text; `\%` keeps a percent literal under expand.
    expect(selRule("User: '%Administrators%'").match(proc({ User: "%administrators%" }))).toBe(
      true,
    );
    const esc = selRule("CommandLine|expand: '\\%TEMP\\%'");
    expect(esc.match(cmd("%TEMP%"))).toBe(true);
  });
});

describe("encoding modifiers", () => {
  const b64 = (s: string, enc: BufferEncoding = "utf8") => Buffer.from(s, enc).toString("base64");

  it("base64 matches the encoded value", () => {
    const r = selRule("CommandLine|base64|contains: 'http://'");
    expect(r.match(cmd(`x ${b64("http://")} y`))).toBe(true);
    expect(r.match(cmd("x http:// y"))).toBe(false);
  });

  it("base64offset finds the value at any of the three byte offsets of a blob", () => {
    const r = selRule("CommandLine|base64offset|contains: 'IEX (New-Object'");
    for (const prefix of ["", "a", "ab", "abc", "abcd"]) {
      expect(
        r.match(cmd(`powershell -enc ${b64(`${prefix}IEX (New-Object Net.WebClient)`)}`)),
      ).toBe(true);
    }
    expect(r.match(cmd(`powershell -enc ${b64("Invoke-Expression (New-Object")}`))).toBe(false);
  });

  it("utf16le/wide, utf16be and utf16 choose the bytes before base64", () => {
    const text = "Invoke-Mimikatz";
    for (const [mod, enc] of [
      ["utf16le", "utf16le"],
      ["wide", "utf16le"],
    ] as const) {
      const r = selRule(`CommandLine|${mod}|base64offset|contains: '${text}'`);
      expect(r.match(cmd(`-enc ${b64(`x${text}y`, enc)}`))).toBe(true);
      expect(r.match(cmd(`-enc ${b64(`x${text}y`)}`))).toBe(false);
    }
    const be = Buffer.from(text, "utf16le").swap16().toString("base64");
    expect(selRule(`CommandLine|utf16be|base64: '${text}'`).match(cmd(be))).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]).toString(
      "base64",
    );
    expect(selRule(`CommandLine|utf16|base64: '${text}'`).match(cmd(bom))).toBe(true);
    expect(selRule(`CommandLine|utf16|base64: '${text}'`).match(cmd(be))).toBe(false);
  });
});

describe("keywords", () => {
  it("a list of plain values matches any data value containing one", () => {
    const rule = selRule("- 'mimikatz'\n- 'sekurlsa::'");
    expect(rule.match(proc({ CommandLine: "run SEKURLSA::logonpasswords" }))).toBe(true);
    expect(rule.match(proc({ CommandLine: "notepad" }))).toBe(false);
  });

  it("'|all' needs every keyword", () => {
    const rule = selRule("'|all':\n    - 'Set-OabVirtualDirectory'\n    - 'ExternalUrl'");
    expect(rule.match(proc({ Payload: "Set-OabVirtualDirectory -ExternalUrl x" }))).toBe(true);
    expect(rule.match(proc({ Payload: "Set-OabVirtualDirectory -InternalUrl x" }))).toBe(false);
  });
});

describe("rejected values", () => {
  it("reports unknown and timestamp modifiers as unsupported, bad values as errors", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as SigmaRuleError).code;
      }
      return "ok";
    };
    expect(code(() => selRule("CommandLine|frobnicate: x"))).toBe("unsupported");
    expect(code(() => selRule("UtcTime|hour: 3"))).toBe("unsupported");
    expect(code(() => selRule("CommandLine|base64: 'a*b'"))).toBe("error");
    expect(code(() => selRule("CommandLine|gt: abc"))).toBe("error");
    expect(code(() => selRule("DestinationIp|cidr: '10.0.0.0/33'"))).toBe("error");
    expect(code(() => selRule("CommandLine|contains|re: 'x'"))).toBe("error");
    expect(code(() => selRule("Hashes|exists: maybe"))).toBe("error");
  });
});
