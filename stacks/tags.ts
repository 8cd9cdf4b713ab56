// Tag keys every resource of a cluster carries. The cluster tag is what the policy check
// (cluster-policy.ts) requires and what an operator filters the AWS console by.

/** Names the cluster (the inventory's `name`) a resource belongs to. */
export const CLUSTER_TAG = 'opencloud:cluster';
/** Names the service VM (or compute node) an instance plays. */
export const SERVICE_TAG = 'opencloud:service';

/** The tags of a resource of `cluster`; `name` becomes the console's Name column. */
export function clusterTags(cluster: string, name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { [CLUSTER_TAG]: cluster, Name: `${cluster}-${name}`, ...extra };
}
