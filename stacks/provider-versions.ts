// Which Terraform and AWS provider versions a synthesized stack accepts. The bindings
// (@cdktf/provider-aws 21.x) write the exact provider version they were generated from (6.25.0);
// the stacks use only arguments valid in both provider lines, so they accept 5.100 (the version
// the tests deploy with, from the machines' filesystem mirror) up to every 6.x users get today.
import type { TerraformStack } from 'cdktf';

/** The AWS provider versions every stack works with. */
export const AWS_PROVIDER_VERSIONS = '>= 5.100, < 7.0';

/** S3 native state locking (`use_lockfile`) needs Terraform 1.10. */
export const TERRAFORM_VERSIONS = '>= 1.10';

/** Writes both constraints into the stack's `terraform` block, over the bindings' exact pin. */
export function requireVersions(stack: TerraformStack): void {
  stack.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSIONS });
  stack.addOverride('terraform.required_version', TERRAFORM_VERSIONS);
}
