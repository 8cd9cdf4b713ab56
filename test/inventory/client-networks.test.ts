// "Any client" is judged by how much of IPv4 the client networks cover, not by how they are spelt.
import { describe, expect, it } from 'vitest';
import { ANY_CLIENT_PREFIX, coveredAddresses, coversAnyClient, isWideNetwork, shareOfIpv4, sshClientCidrs } from '../../src/inventory/client-networks.ts';

describe('client networks', () => {
  it('count overlapping networks once', () => {
    expect(coveredAddresses(['10.0.0.0/8', '10.1.0.0/16'])).toBe(1n << 24n);
    expect(coveredAddresses(['0.0.0.0/1', '128.0.0.0/1'])).toBe(1n << 32n);
    expect(coveredAddresses([])).toBe(0n);
  });

  it('are "any client" from a /4 on, alone or together', () => {
    expect(ANY_CLIENT_PREFIX).toBe(4);
    expect(isWideNetwork('0.0.0.0/0')).toBe(true);
    expect(isWideNetwork('16.0.0.0/4')).toBe(true);
    expect(isWideNetwork('16.0.0.0/5')).toBe(false);
    expect(coversAnyClient(['16.0.0.0/5', '24.0.0.0/5'])).toBe(true);
    expect(coversAnyClient(['0.0.0.0/1', '128.0.0.0/1'])).toBe(true);
    // All of RFC 1918 together is far below the threshold.
    expect(coversAnyClient(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])).toBe(false);
    expect(coversAnyClient(['16.0.0.0/5', '16.0.0.0/5'])).toBe(false);
  });

  it('give SSH only the networks that are not "any client" by themselves', () => {
    expect(sshClientCidrs(['0.0.0.0/1', '128.0.0.0/1', '203.0.113.0/24'])).toEqual(['203.0.113.0/24']);
    expect(shareOfIpv4(['0.0.0.0/1'])).toBe('50%');
    expect(shareOfIpv4(['16.0.0.0/4'])).toBe('6.25%');
  });
});
