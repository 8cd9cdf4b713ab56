// Checks of construct properties at construction, in the style of the AWS CDK: each error names
// the construct and the field. Values that are still tokens (known only at apply) pass.
import { Token } from 'cdktf';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export class PropsError extends Error {
  constructor(construct: string, field: string, problem: string) {
    super(`${construct}: ${field} ${problem}`);
    this.name = 'PropsError';
  }
}

export function required<T>(construct: string, field: string, value: T | undefined | null): T {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new PropsError(construct, field, 'is required');
  }
  return value;
}

export function ipv4(construct: string, field: string, value: string): string {
  required(construct, field, value);
  if (!Token.isUnresolved(value) && !IPV4.test(value)) throw new PropsError(construct, field, `must be an IPv4 address, got "${value}"`);
  return value;
}

export function cidr(construct: string, field: string, value: string): string {
  required(construct, field, value);
  const [ip, bits, extra] = value.split('/');
  const n = Number(bits);
  if (!Token.isUnresolved(value) && (extra !== undefined || !IPV4.test(ip ?? '') || !Number.isInteger(n) || n < 0 || n > 32)) {
    throw new PropsError(construct, field, `must be an IPv4 CIDR such as 192.168.100.0/24, got "${value}"`);
  }
  return value;
}

export function positive(construct: string, field: string, value: number): number {
  if (!Token.isUnresolved(value) && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new PropsError(construct, field, `must be a number above 0, got ${String(value)}`);
  }
  return value;
}

export function port(construct: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new PropsError(construct, field, `must be a port from 1 to 65535, got ${value}`);
  return value;
}

export function nonEmpty<T>(construct: string, field: string, value: readonly T[] | undefined): readonly T[] {
  if (!value || value.length === 0) throw new PropsError(construct, field, 'must not be empty');
  return value;
}
