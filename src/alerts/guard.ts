/**
 * SSRF guard for alert destinations: an admin's URL must not become a way into the private network.
 * https only (http just for hosts on EARSHOT_ALERT_HTTP_HOSTS), no credentials in the URL, and the
 * address actually connected to (checked in the socket's DNS lookup, so a rebinding name cannot slip
 * past) must be public unless EARSHOT_ALERT_ALLOW_PRIVATE is set (tests, on-premises receivers).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, BlockList } from 'node:net';

export interface GuardOptions {
  allowPrivate: boolean;
  /** Hosts that may be reached over plain http. */
  httpHosts: string[];
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Throws with a reason when the URL may not be a destination; returns it parsed. */
export function checkDestinationUrl(raw: string, o: GuardOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('not a URL');
  }
  if (url.username || url.password) throw new Error('credentials in the URL are refused');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    if (!o.httpHosts.includes(host.toLowerCase()))
      throw new Error(`http:// is allowed only for hosts in EARSHOT_ALERT_HTTP_HOSTS; use https://`);
  } else if (url.protocol !== 'https:') throw new Error('only https:// URLs are allowed');
  if (isIP(host) && !o.allowPrivate && isPrivateAddress(host))
    throw new Error(`${host} is a private or loopback address`);
  if (!o.allowPrivate && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host))
    throw new Error(`${host} is a local name`);
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for http(s).request that refuses private addresses (checked at connect time). */
export function guardedLookup(o: GuardOptions) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !o.allowPrivate) {
        const e: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${bad.address}, a private or loopback address`,
        );
        e.code = 'EPRIVATE';
        return callback(e, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
