import ipaddr from 'ipaddr.js';

/**
 * What per-client-IP limits count by: an IPv4 address as it is, an IPv6 one by its /64 network.
 * An IPv6 host is handed a whole /64 (a phone on a mainland carrier, a home router, a cloud
 * server), so counting single addresses would give it 2^64 fresh budgets for free. An IPv4
 * client seen on a dual-stack socket (`::ffff:1.2.3.4`) counts as its IPv4 address: its /64
 * would lump every IPv4 client together.
 */
export function rateSubjectOf(ip: string): string {
  const address = ip.split('%')[0] ?? ip;
  if (!ipaddr.IPv6.isValid(address)) return ip;
  const parsed = ipaddr.IPv6.parse(address);
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  return `${parsed.parts
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
