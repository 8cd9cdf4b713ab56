// The synthesized JSON must init with the mirrored 5.100.0 provider (tests, CI) and with current
// 6.x (users): a range, and the Terraform version the S3 backend's use_lockfile needs.
import { describe, expect, it } from 'vitest';
import { synthFile } from './helpers.ts';

describe.each(['inventory/example.yaml', 'inventory/install-cloud.yaml'])('provider versions of %s', (file) => {
  const s = synthFile(file);
  it('accepts the AWS provider from 5.100 up to, not including, 7.0', () => {
    expect(s.json.terraform.required_providers).toEqual({ aws: { source: 'hashicorp/aws', version: '>= 5.100, < 7.0' } });
  });
  it('requires Terraform 1.10 or later (S3 native locking)', () => {
    expect((s.json.terraform as Record<string, unknown>).required_version).toBe('>= 1.10');
  });
});
