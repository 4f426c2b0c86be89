# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Out-of-band access to KMS for the integration tests, through plain boto3 (never the modules).

Usage: kms_oob.py ENDPOINT_URL REGION COMMAND ...
  describe (--id ID | --name NAME | --all)   the DescribeCustomKeyStores entry as JSON ({} when none), or the list
  create-key STORE_ID XKS_KEY_ID             create a KMS key in the store; prints its KeyId
  schedule-key-deletion KEY_ID               schedule the key's deletion (7 days, the minimum)
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import argparse
import json

import boto3


def describe(kms, args):
    if args.all:
        return kms.get_paginator("describe_custom_key_stores").paginate().build_full_result()["CustomKeyStores"]
    query = {"CustomKeyStoreId": args.id} if args.id else {"CustomKeyStoreName": args.name}
    try:
        return kms.describe_custom_key_stores(**query)["CustomKeyStores"][0]
    except kms.exceptions.CustomKeyStoreNotFoundException:
        return {}


def create_key(kms, args):
    return kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=args.store_id, XksKeyId=args.xks_key_id)["KeyMetadata"]["KeyId"]


def schedule_key_deletion(kms, args):
    return kms.schedule_key_deletion(KeyId=args.key_id, PendingWindowInDays=7)["KeyId"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint_url")
    parser.add_argument("region")
    commands = parser.add_subparsers(dest="command", required=True)
    describe_parser = commands.add_parser("describe")
    group = describe_parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--id")
    group.add_argument("--name")
    group.add_argument("--all", action="store_true")
    describe_parser.set_defaults(run=describe)
    key_parser = commands.add_parser("create-key")
    key_parser.add_argument("store_id")
    key_parser.add_argument("xks_key_id")
    key_parser.set_defaults(run=create_key)
    deletion_parser = commands.add_parser("schedule-key-deletion")
    deletion_parser.add_argument("key_id")
    deletion_parser.set_defaults(run=schedule_key_deletion)
    args = parser.parse_args()
    kms = boto3.client("kms", endpoint_url=args.endpoint_url, region_name=args.region)
    print(json.dumps(args.run(kms, args), default=str))


if __name__ == "__main__":
    main()
