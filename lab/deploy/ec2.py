"""EC2 calls the deploy tests make against the emulator (boto3 comes with moto).

usage: AWS_ENDPOINT_URL=... python3 ec2.py COMMAND ARGS...
  leftovers CLUSTER                      resources still present and tagged opencloud:cluster=CLUSTER
  create-groups VPC_CIDR NAME...         a VPC with one security group per name: {vpc, groups: {name: id}}
  group-rules GROUP_ID...                the ingress rules of the groups, as "proto from-to cidr"
  authorize GROUP_ID PROTOCOL CIDR       a hand-made ingress rule: its ID
  allocate-addresses N                   N Elastic IPs, as a list of addresses
Prints JSON.
"""
import json
import sys

import boto3

ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
TAG = "opencloud:cluster"


def leftovers(cluster):
    # moto keeps the tags of deleted resources (DescribeTags lists them), so each kind is
    # listed by its own call with a tag filter, as AWS would answer.
    f = [{"Name": f"tag:{TAG}", "Values": [cluster]}]
    found = []
    found += [v["VpcId"] for v in ec2.describe_vpcs(Filters=f)["Vpcs"]]
    found += [s["SubnetId"] for s in ec2.describe_subnets(Filters=f)["Subnets"]]
    found += [r["RouteTableId"] for r in ec2.describe_route_tables(Filters=f)["RouteTables"]]
    found += [g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=f)["InternetGateways"]]
    found += [g["GroupId"] for g in ec2.describe_security_groups(Filters=f)["SecurityGroups"]]
    found += [r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(Filters=f)["SecurityGroupRules"]]
    found += [n["NetworkInterfaceId"] for n in ec2.describe_network_interfaces(Filters=f)["NetworkInterfaces"]]
    found += [v["VolumeId"] for v in ec2.describe_volumes(Filters=f)["Volumes"]]
    found += [a.get("AllocationId", a["PublicIp"]) for a in ec2.describe_addresses(Filters=f)["Addresses"]]
    found += [k["KeyName"] for k in ec2.describe_key_pairs(Filters=f)["KeyPairs"]]
    for r in ec2.describe_instances(Filters=f)["Reservations"]:
        found += [i["InstanceId"] for i in r["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down")]
    return found


def create_groups(cidr, *names):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    groups = {n: ec2.create_security_group(GroupName=n, Description=f"{n} (made by Juju)", VpcId=vpc)["GroupId"] for n in names}
    return {"vpc": vpc, "groups": groups}


def group_rules(*ids):
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": list(ids)}])["SecurityGroupRules"]
    return sorted(
        f'{r["GroupId"]} {r["IpProtocol"]} {r.get("FromPort")}-{r.get("ToPort")} {r.get("CidrIpv4")}'
        for r in rules
        if not r["IsEgress"]
    )


def authorize(group, protocol, cidr):
    """An ingress rule made by hand (as the guide has the operator do): its rule ID."""
    r = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{"IpProtocol": protocol, "IpRanges": [{"CidrIp": cidr}]}])
    return r["SecurityGroupRules"][0]["SecurityGroupRuleId"]


def allocate_addresses(n):
    return [ec2.allocate_address(Domain="vpc")["PublicIp"] for _ in range(int(n))]


COMMANDS = {"authorize": authorize, "leftovers": leftovers, "create-groups": create_groups, "group-rules": group_rules, "allocate-addresses": allocate_addresses}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
