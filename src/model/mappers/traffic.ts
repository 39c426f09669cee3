import { type Fields, isEmpty, type Mapper, put } from "../mapperKit.js";

/** The host name Sysmon resolved, else the address. */
function hostOrIp(host: string | undefined, ip: string | undefined): string | undefined {
  return isEmpty(host) ? ip : host;
}

/**
 * Sysmon 3 (network connection) to `Network_Traffic.All_Traffic`: `src`/`dest` are the
 * endpoints (host name when Sysmon resolved one, else the address), `dvc` the reporting
 * computer, `app` the connecting image, `direction` from `Initiated`.
 */
const networkConnect: Mapper = (d, e) => {
  const out: Fields = { vendor_product: "Microsoft Sysmon", action: "allowed", protocol: "ip" };
  put(out, "dvc", e.computer);
  put(out, "user", d.User);
  put(out, "app", d.Image);
  put(out, "process_id", d.ProcessId);
  put(out, "transport", d.Protocol?.toLowerCase());
  put(out, "src", hostOrIp(d.SourceHostname, d.SourceIp));
  put(out, "src_ip", d.SourceIp);
  put(out, "src_port", d.SourcePort);
  put(out, "dest", hostOrIp(d.DestinationHostname, d.DestinationIp));
  put(out, "dest_ip", d.DestinationIp);
  put(out, "dest_port", d.DestinationPort);
  if (!isEmpty(d.Initiated)) out.direction = d.Initiated === "true" ? "outbound" : "inbound";
  return out;
};

/** `Network_Traffic.All_Traffic` mappers by Sysmon event id. */
export const TRAFFIC_MAPPERS: ReadonlyMap<number, Mapper> = new Map([[3, networkConnect]]);
