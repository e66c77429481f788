import { describe, expect, it } from 'vitest';
import { rateSubjectOf } from '../../server/src/kv/client-address.js';

describe('the subject per-IP limits count by', () => {
  it('is an IPv4 address itself, also when it arrives on a dual-stack socket', () => {
    expect(rateSubjectOf('10.1.2.3')).toBe('10.1.2.3');
    expect(rateSubjectOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(rateSubjectOf('::ffff:0a01:0203')).toBe('10.1.2.3');
  });

  it('is the /64 of an IPv6 address, however the address is written', () => {
    const network = '2001:db8:0:1::/64';
    for (const address of [
      '2001:db8:0:1::1',
      '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
      '2001:DB8:0:1:a::',
      '2001:db8:0:1:0:0:10.1.2.3',
      '2001:db8:0:1::1%eth0',
    ]) {
      expect(rateSubjectOf(address), address).toBe(network);
    }
    expect(rateSubjectOf('2001:db8:0:2::1')).not.toBe(network);
    expect(rateSubjectOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});
