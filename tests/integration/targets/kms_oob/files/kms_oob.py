# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Out-of-band access to KMS for the integration targets and guides, through plain boto3 (never the modules).

Usage: kms_oob.py ENDPOINT_URL REGION COMMAND ...
  describe-store (--id ID | --name NAME | --all)  the DescribeCustomKeyStores entry as JSON ({} when none), or the list
  describe-key KEY                 KeyMetadata with "Tags" and "Aliases" as JSON ({} when KMS has no such key)
  roundtrip KEY                    Encrypt then Decrypt a fixed text with the key: {"ok": true} or {"ok": false, "error": code}
  create-key STORE_ID XKS_KEY_ID   create a KMS key in the store (no alias); prints its KeyId
  schedule-key-deletion KEY        schedule the key's deletion (7 days, the minimum)
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import argparse
import json

import boto3
from botocore.exceptions import ClientError

PLAINTEXT = b"kms.xks integration: a secret worth keeping"


def describe_store(kms, args):
    if args.all:
        return kms.get_paginator("describe_custom_key_stores").paginate().build_full_result()["CustomKeyStores"]
    query = {"CustomKeyStoreId": args.id} if args.id else {"CustomKeyStoreName": args.name}
    try:
        return kms.describe_custom_key_stores(**query)["CustomKeyStores"][0]
    except kms.exceptions.CustomKeyStoreNotFoundException:
        return {}


def describe_key(kms, args):
    try:
        metadata = kms.describe_key(KeyId=args.key)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return {}
    tags = kms.get_paginator("list_resource_tags").paginate(KeyId=metadata["KeyId"]).build_full_result().get("Tags", [])
    aliases = kms.get_paginator("list_aliases").paginate(KeyId=metadata["KeyId"]).build_full_result().get("Aliases", [])
    metadata["Tags"] = {tag["TagKey"]: tag["TagValue"] for tag in tags}
    metadata["Aliases"] = sorted(alias["AliasName"] for alias in aliases)
    return metadata


def roundtrip(kms, args):
    try:
        blob = kms.encrypt(KeyId=args.key, Plaintext=PLAINTEXT, EncryptionContext={"purpose": "integration"})["CiphertextBlob"]
        plain = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "integration"})["Plaintext"]
    except ClientError as e:
        return {"ok": False, "error": e.response["Error"]["Code"]}
    return {"ok": plain == PLAINTEXT}


def create_key(kms, args):
    return kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=args.store_id, XksKeyId=args.xks_key_id)["KeyMetadata"]["KeyId"]


def schedule_key_deletion(kms, args):
    return kms.schedule_key_deletion(KeyId=args.key, PendingWindowInDays=7)["KeyId"]


def command(commands, name, run, *positionals):
    """A sub-command NAME that calls RUN with the given positional arguments."""
    sub = commands.add_parser(name)
    for positional in positionals:
        sub.add_argument(positional)
    sub.set_defaults(run=run)
    return sub


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint_url")
    parser.add_argument("region")
    commands = parser.add_subparsers(dest="command", required=True)
    which = command(commands, "describe-store", describe_store).add_mutually_exclusive_group(required=True)
    which.add_argument("--id")
    which.add_argument("--name")
    which.add_argument("--all", action="store_true")
    command(commands, "describe-key", describe_key, "key")
    command(commands, "roundtrip", roundtrip, "key")
    command(commands, "create-key", create_key, "store_id", "xks_key_id")
    command(commands, "schedule-key-deletion", schedule_key_deletion, "key")
    return parser.parse_args()


def main():
    args = parse_args()
    kms = boto3.client("kms", endpoint_url=args.endpoint_url, region_name=args.region)
    print(json.dumps(args.run(kms, args), default=str))


if __name__ == "__main__":
    main()
