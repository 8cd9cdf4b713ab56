// The controller's networks in AWS: a VPC holding a public subnet (the router's public side)
// and the private management subnet of the ten service VMs.
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { Route } from '@cdktf/provider-aws/lib/route/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Construct } from 'constructs';
import { contains, overlaps } from '../src/inventory/network.ts';
import { cidr, PropsError, required } from './props.ts';
import { clusterTags } from './tags.ts';

export interface ManagementNetworkProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** The VPC's range; holds both subnets. */
  readonly vpcCidr: string;
  /** Subnet of the router's public interface (and of EC2 compute nodes). */
  readonly publicSubnetCidr: string;
  /** Private management subnet of the service VMs (the guide's 192.168.100.0/24). */
  readonly managementCidr: string;
  /** Availability zone of both subnets. @default - chosen by AWS for the public subnet; the management subnet follows it */
  readonly availabilityZone?: string;
}

/**
 * VPC, public subnet with an internet gateway, and the management subnet. The management
 * subnet's default route points at the router, which exists only later: call
 * `routeThroughRouter()` once its management interface is known.
 */
export class ManagementNetwork extends Construct {
  readonly vpcId: string;
  readonly publicSubnetId: string;
  readonly managementSubnetId: string;
  readonly managementCidr: string;
  /** The availability zone both subnets are in (instances and volumes must match it). */
  readonly availabilityZone: string;
  /** The VPC's internet gateway, for what AWS refuses to create before it (Elastic IPs). */
  readonly internetGateway: InternetGateway;
  private readonly cluster: string;
  private readonly managementRoutes: RouteTable;
  private defaultRoute?: Route;

  constructor(scope: Construct, id: string, props: ManagementNetworkProps) {
    super(scope, id);
    const C = 'ManagementNetwork';
    this.cluster = required(C, 'cluster', props.cluster);
    const vpcCidr = cidr(C, 'vpcCidr', props.vpcCidr);
    const publicCidr = cidr(C, 'publicSubnetCidr', props.publicSubnetCidr);
    this.managementCidr = cidr(C, 'managementCidr', props.managementCidr);
    if (!contains(vpcCidr, publicCidr)) throw new PropsError(C, 'publicSubnetCidr', `${publicCidr} is not inside vpcCidr ${vpcCidr}`);
    if (!contains(vpcCidr, this.managementCidr)) throw new PropsError(C, 'managementCidr', `${this.managementCidr} is not inside vpcCidr ${vpcCidr}`);
    if (overlaps(publicCidr, this.managementCidr)) throw new PropsError(C, 'managementCidr', `${this.managementCidr} overlaps publicSubnetCidr ${publicCidr}`);

    const tags = (name: string) => clusterTags(this.cluster, name);
    // DNS hostnames give every VM the EC2 private DNS name the /etc/hosts block lists.
    const vpc = new Vpc(this, 'vpc', { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('vpc') });
    this.vpcId = vpc.id;

    const publicSubnet = new Subnet(this, 'public', {
      vpcId: vpc.id,
      cidrBlock: publicCidr,
      // Addresses there are Elastic IPs the stack (router) or the operator (compute nodes) chose.
      mapPublicIpOnLaunch: false,
      ...(props.availabilityZone ? { availabilityZone: props.availabilityZone } : {}),
      tags: tags('public'),
    });
    this.publicSubnetId = publicSubnet.id;
    this.availabilityZone = publicSubnet.availabilityZone;

    const igw = new InternetGateway(this, 'internet-gateway', { vpcId: vpc.id, tags: tags('internet-gateway') });
    this.internetGateway = igw;
    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: vpc.id, tags: tags('public-routes') });
    new Route(this, 'public-default-route', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    new RouteTableAssociation(this, 'public-routes-association', { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });

    // Same zone as the public subnet: the router has an interface in each.
    const managementSubnet = new Subnet(this, 'management', {
      vpcId: vpc.id,
      cidrBlock: this.managementCidr,
      availabilityZone: props.availabilityZone ?? publicSubnet.availabilityZone,
      mapPublicIpOnLaunch: false,
      tags: tags('management'),
    });
    this.managementSubnetId = managementSubnet.id;
    this.managementRoutes = new RouteTable(this, 'management-routes', { vpcId: vpc.id, tags: tags('management-routes') });
    new RouteTableAssociation(this, 'management-routes-association', { subnetId: managementSubnet.id, routeTableId: this.managementRoutes.id });
  }

  /** Sends the management network's default route through the router's management interface. */
  routeThroughRouter(networkInterfaceId: string): void {
    if (this.defaultRoute) throw new PropsError('ManagementNetwork', 'routeThroughRouter', 'was already called: one default route only');
    this.defaultRoute = new Route(this, 'management-default-route', {
      routeTableId: this.managementRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      networkInterfaceId: required('ManagementNetwork', 'networkInterfaceId', networkInterfaceId),
    });
  }
}
