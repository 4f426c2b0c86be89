# -*- coding: utf-8 -*-
"""The fleet's identities: in every account of the fleet, the role a platform team's automation
assumes (sts:AssumeRole) to manage that account's key stores.

moto tells accounts apart by the access key: an assumed role's temporary key belongs to the account
of the role ARN, any other key to the default account (the hub). Those keys live in moto's IAM
backends, so a test-bed reset keeps IAM and STS (admin.py resets KMS only), and the roles are made
once, at start.
"""

import json

from moto.iam.models import iam_backends

PARTITION = "aws"


def trust_policy(hub_account):
    """Who may assume the role: the hub account (moto does not enforce it; it documents the layout)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % hub_account}, "Action": "sts:AssumeRole"}]})


def install(accounts, role_name, hub_account):
    """Create `role_name` in each of `accounts` unless it exists."""
    for account in accounts:
        iam = iam_backends[account][PARTITION]
        if role_name in {role.name for role in iam.roles.values()}:
            continue
        iam.create_role(role_name, trust_policy(hub_account), "/", None, "kms.xks test bed: fleet automation", [], None)
