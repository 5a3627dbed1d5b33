/**
 * The provider version constraints the stacks declare. cdktf's bindings pin the exact version they
 * were generated for, but the offline mirror (scripts/offline/tofu-toolchain.sh) can only hold later
 * releases, so each provider gets the range versions.json admits instead.
 */
import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import versions from '../versions.json';

const constraints: Readonly<Record<string, { constraint?: string }>> = versions.providers;

/** Some bindings name only the type ("kubernetes"); Terraform reads that as the hashicorp namespace. */
function qualifiedSource(source: string): string {
  return source.includes('/') ? source : `hashicorp/${source}`;
}

/** Replaces the exact `required_providers` version of every provider directly under `scope`. */
export function constrainProviderVersions(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  for (const provider of scope.node.children) {
    if (!(provider instanceof TerraformProvider)) continue;
    const source = qualifiedSource(provider.terraformProviderSource ?? provider.terraformResourceType);
    const constraint = constraints[source]?.constraint;
    if (constraint === undefined) {
      throw new Error(
        `versions.json providers["${source}"] needs "constraint" (known providers: ${Object.keys(constraints).join(', ')})`,
      );
    }
    stack.addOverride(`terraform.required_providers.${provider.terraformResourceType}.version`, constraint);
  }
}
