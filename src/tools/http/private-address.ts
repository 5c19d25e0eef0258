import { isIP } from 'node:net';

/** An IPv4 range as [first octets, prefix length]. */
const blockedIpv4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inIpv4Range(value: number, [base, prefix]: [string, number]): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(ipv4ToNumber(base) / size);
}

function isBlockedIpv4(value: number): boolean {
  return blockedIpv4.some((range) => inIpv4Range(value, range));
}

/** The eight 16-bit groups of a valid IPv6 address (already checked with `isIP`). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const value = ipv4ToNumber(last);
    text = `${text.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16));
}

function embeddedIpv4(groups: number[], index: number): number {
  return (groups[index] ?? 0) * 65536 + (groups[index + 1] ?? 0);
}

function isBlockedIpv6(groups: number[]): boolean {
  const [first = 0, second = 0, third = 0, fourth = 0, fifth = 0, sixth = 0] = groups;
  const firstFiveZero = first === 0 && second === 0 && third === 0 && fourth === 0 && fifth === 0;
  if (firstFiveZero && sixth === 0xffff) return isBlockedIpv4(embeddedIpv4(groups, 6)); // IPv4-mapped
  if (firstFiveZero && sixth === 0) return true; // unspecified, loopback, IPv4-compatible (deprecated)
  if (first === 0x64 && second === 0xff9b) {
    const wellKnownPrefix = third === 0 && fourth === 0 && fifth === 0 && sixth === 0;
    if (wellKnownPrefix) return isBlockedIpv4(embeddedIpv4(groups, 6)); // NAT64 64:ff9b::/96
    return third === 1; // 64:ff9b:1::/48, local-use NAT64
  }
  if (first === 0x0100 && second === 0 && third === 0 && fourth === 0) return true; // discard-only
  if (first === 0x2001 && second < 0x0200) return true; // IETF protocol assignments, Teredo
  if (first === 0x2001 && second === 0x0db8) return true; // documentation
  if (first === 0x2002) return isBlockedIpv4(embeddedIpv4(groups, 1)); // 6to4
  if (first === 0x3fff && second >> 12 === 0) return true; // 3fff::/20, documentation
  if (first >> 9 === 0x7e) return true; // fc00::/7, unique-local
  if (first >> 6 === 0x3fa || first >> 6 === 0x3fb) return true; // fe80::/10 link-local, fec0::/10 site-local
  return first >> 8 === 0xff; // multicast
}

/**
 * True when an IP address is not a public, globally routable unicast address: private, loopback,
 * link-local, unique-local, multicast, unspecified, carrier-grade NAT, documentation or reserved,
 * for IPv4 and IPv6 (IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 inside).
 * Anything that is not an IP address counts as private, so callers fail closed.
 *
 * @example
 * isPrivateAddress('169.254.169.254'); // true
 * isPrivateAddress('::ffff:10.0.0.1'); // true
 * isPrivateAddress('93.184.216.34'); // false
 */
export function isPrivateAddress(address: string): boolean {
  const withoutZone = address.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  const version = isIP(withoutZone);
  if (version === 4) return isBlockedIpv4(ipv4ToNumber(withoutZone));
  if (version === 6) return isBlockedIpv6(ipv6Groups(withoutZone.toLowerCase()));
  return true;
}
