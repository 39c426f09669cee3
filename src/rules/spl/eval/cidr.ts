import { compileCidr } from "../../sigma/cidr.js";

const cache = new Map<string, ((value: string) => boolean) | null>();

/**
 * `cidrmatch(cidr, ip)`: true when `ip` is in the network (IPv4 or IPv6). A `cidr` that is not
 * a network matches nothing, as in Splunk. Compiled networks are cached by their text.
 */
export function cidrMatch(cidr: string, ip: string): boolean {
  let test = cache.get(cidr);
  if (test === undefined) {
    try {
      test = compileCidr(cidr);
    } catch {
      test = null;
    }
    if (cache.size >= 256) cache.clear();
    cache.set(cidr, test);
  }
  return test?.(ip) ?? false;
}
