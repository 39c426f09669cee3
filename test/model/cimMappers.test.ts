import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DATAMODEL } from "../../src/model/datamodels.js";
import { compileCimMapper, EVENT_IDS_BY_DATAMODEL } from "../../src/model/toCimRecord.js";
import { parseEventXml } from "../../src/parse/parseEventXml.js";
import type { WinEvent } from "../../src/parse/types.js";
import { SHARED } from "../helpers/streams.js";

/** Real Sysmon events (EVTX-ATTACK-SAMPLES, rendered one per line). */
const FILE = join(SHARED, "data/xml/from-evtx/EVTX-ATTACK-SAMPLES_all_sysmon.oneline.xml.log");

let events: WinEvent[];

beforeAll(async () => {
  const lines = (await readFile(FILE, "utf8")).split("\n");
  events = lines.flatMap((line, i) => {
    if (!line.startsWith("<Event")) return [];
    const e = parseEventXml(line, { line: i + 1 });
    return "error" in e ? [] : [e];
  });
});

/** The first real event with this id whose data has `value` in field `name`. */
function find(eventId: number, name: string, value: string): WinEvent {
  const e = events.find((x) => x.eventId === eventId && x.data[name]?.includes(value));
  if (e === undefined) throw new Error(`no event ${eventId} with ${name} ~ ${value}`);
  return e;
}

const all = compileCimMapper(Object.values(DATAMODEL));

describe("CIM mappers (Sysmon events as the Sysmon add-on maps them)", () => {
  it("Sysmon 11 to Endpoint.Filesystem: created when the creation time is the event's", () => {
    const r = all(find(11, "TargetFilename", "\\Downloads\\Flash_update.exe"));
    expect(r?.datamodel).toBe("Endpoint.Filesystem");
    expect(r?.fields).toEqual({
      vendor_product: "Microsoft Sysmon",
      action: "created",
      dest: "IEWIN7",
      host: "IEWIN7",
      process_guid: "{365ABB72-7ACC-5CC4-0000-0010B2470300}",
      process_id: "2772",
      process_path: "C:\\Windows\\Explorer.EXE",
      process_name: "Explorer.EXE",
      file_path: "C:\\Users\\IEUser\\Downloads\\Flash_update.exe",
      file_name: "Flash_update.exe",
      file_create_time: "2019-04-27 15:57:25.868",
    });
    expect(r?.time).toBe(Date.parse(find(11, "TargetFilename", "Flash_update.exe").timeCreated));
  });

  it("Sysmon 11 over an existing file is `modified`; 2 (time changed) and 23 (deleted) too", () => {
    const overwrite = all(find(11, "TargetFilename", "\\Tasks\\Microsoft\\Windows Defender\\MP"));
    expect(overwrite?.fields).toMatchObject({
      action: "modified",
      file_name: "MP Scheduled Scan",
      file_create_time: "2009-07-14 04:42:30.134",
    });
    const stomp = all(find(2, "TargetFilename", "NvSmart.exe"));
    expect(stomp?.datamodel).toBe("Endpoint.Filesystem");
    expect(stomp?.fields).toMatchObject({
      action: "modified",
      file_path: "C:\\Users\\IEUser\\AppData\\Roaming\\NvSmart.exe",
      file_create_time: "2013-09-04 16:29:27.000",
      process_name: "Flash_update.exe",
    });
    const deleted = all(find(23, "TargetFilename", "consent.exe.dat"));
    expect(deleted?.fields).toMatchObject({
      action: "deleted",
      file_name: "consent.exe.dat",
      user: "DESKTOP-NTSSLJD\\den",
      process_name: "IEInstal.exe",
      dest: "DESKTOP-NTSSLJD",
    });
    expect(deleted?.fields.file_hash).toMatch(/^SHA1=6BFB3862.*IMPHASH=522D8376/);
  });

  it("Sysmon 12 to Endpoint.Registry: key created or value deleted, the key name its last segment", () => {
    const created = all(find(12, "TargetObject", "\\Explorer\\Desktop\\NameSpace"));
    expect(created?.datamodel).toBe("Endpoint.Registry");
    expect(created?.fields).toEqual({
      vendor_product: "Microsoft Sysmon",
      action: "created",
      status: "success",
      dest: "MSEDGEWIN10",
      host: "MSEDGEWIN10",
      process_guid: "{747F3D96-51D0-5F93-0000-001036A15B00}",
      process_id: "3396",
      process_path: "C:\\Windows\\SysWOW64\\rundll32.exe",
      process_name: "rundll32.exe",
      registry_path:
        "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Explorer\\Desktop\\NameSpace",
      registry_hive: "HKEY_LOCAL_MACHINE\\Software",
      registry_key_name: "NameSpace",
    });
    const removed = all(find(12, "EventType", "DeleteValue"));
    expect(removed?.fields).toMatchObject({
      action: "deleted",
      registry_hive: "HKEY_CURRENT_USER",
      registry_key_name: "Atomic Red Team",
      process_name: "reg.exe",
    });
    expect(removed?.fields.registry_value_name).toBeUndefined();
  });

  it("Sysmon 13 to Endpoint.Registry: value name, its key, and the data (typed DWORD unwrapped)", () => {
    const run = all(find(13, "TargetObject", "\\CurrentVersion\\Run\\360v"));
    expect(run?.fields).toMatchObject({
      action: "modified",
      status: "success",
      registry_path:
        "HKU\\S-1-5-21-3583694148-1414552638-2922671848-1000\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\360v",
      registry_key_name: "Run",
      registry_value_name: "360v",
      registry_value_data: "C:\\Users\\IEUser\\AppData\\Roaming\\svchost.exe",
      process_name: "NvSmart.exe",
    });
    expect(run?.fields.registry_value_type).toBeUndefined();
    const dword = all(find(13, "TargetObject", "\\ZoneMap\\ProxyBypass"));
    expect(dword?.fields).toMatchObject({
      registry_value_name: "ProxyBypass",
      registry_key_name: "ZoneMap",
      registry_value_data: "0x00000001",
      registry_value_type: "REG_DWORD",
    });
  });

  it("Sysmon 3 to Network_Traffic.All_Traffic: endpoints by resolved name, addresses and ports", () => {
    const r = all(find(3, "DestinationHostname", "ams15s30-in-f4.1e100.net"));
    expect(r?.datamodel).toBe("Network_Traffic.All_Traffic");
    expect(r?.fields).toEqual({
      vendor_product: "Microsoft Sysmon",
      action: "allowed",
      protocol: "ip",
      transport: "tcp",
      direction: "outbound",
      dvc: "MSEDGEWIN10",
      host: "MSEDGEWIN10",
      user: "MSEDGEWIN10\\IEUser",
      app: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      process_id: "3912",
      src: "MSEDGEWIN10.home",
      src_ip: "10.0.2.15",
      src_port: "49727",
      dest: "ams15s30-in-f4.1e100.net",
      dest_ip: "172.217.17.132",
      dest_port: "80",
    });
  });

  it("falls back to the address when Sysmon resolved no host name, and reads inbound connections", () => {
    const e = find(3, "DestinationIp", "172.217.17.132");
    const bare = all({
      ...e,
      data: { ...e.data, DestinationHostname: "-", SourceHostname: "", Initiated: "false" },
    });
    expect(bare?.fields).toMatchObject({
      src: "10.0.2.15",
      dest: "172.217.17.132",
      direction: "inbound",
    });
  });

  it("builds only the wanted datasets, and every mapped id is listed for parse interests", () => {
    const processesOnly = compileCimMapper([DATAMODEL.processes]);
    expect(processesOnly(find(13, "TargetObject", "\\Run\\360v"))).toBeUndefined();
    expect(processesOnly(events.find((e) => e.eventId === 1) as WinEvent)?.datamodel).toBe(
      "Endpoint.Processes",
    );
    // a Sysmon id from another provider is not a Sysmon event
    const e = find(13, "TargetObject", "\\Run\\360v");
    expect(all({ ...e, provider: "Some-Other-Provider" })).toBeUndefined();
    expect([...EVENT_IDS_BY_DATAMODEL["Endpoint.Filesystem"]].sort((a, b) => a - b)).toEqual([
      2, 11, 23, 26,
    ]);
    expect([...EVENT_IDS_BY_DATAMODEL["Endpoint.Registry"]]).toEqual([12, 13, 14]);
    expect([...EVENT_IDS_BY_DATAMODEL["Network_Traffic.All_Traffic"]]).toEqual([3]);
    expect([...EVENT_IDS_BY_DATAMODEL["Endpoint.Processes"]]).toEqual([1, 4688]);
  });

  it("maps every real Sysmon 2/3/11/12/13/23 event of the sample to its dataset", () => {
    const want: Record<number, string> = {
      2: "Endpoint.Filesystem",
      3: "Network_Traffic.All_Traffic",
      11: "Endpoint.Filesystem",
      12: "Endpoint.Registry",
      13: "Endpoint.Registry",
      23: "Endpoint.Filesystem",
    };
    let n = 0;
    for (const e of events) {
      const dm = want[e.eventId];
      if (dm === undefined) continue;
      const r = all(e);
      expect(r?.datamodel, `line ${e.position.line}`).toBe(dm);
      expect(r?.fields.host).toBe(e.computer);
      expect(r?.fields[e.eventId === 3 ? "dvc" : "dest"]).toBe(e.computer);
      n++;
    }
    expect(n).toBeGreaterThan(600);
  });
});
