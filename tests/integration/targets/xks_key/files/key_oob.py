# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Out-of-band access to KMS keys for the xks_key target, through plain boto3 (never the modules).

Usage: key_oob.py ENDPOINT_URL REGION COMMAND ...
  describe KEY                 KeyMetadata with "Tags" and "Aliases" as JSON ({} when KMS has no such key)
  roundtrip KEY                Encrypt then Decrypt a fixed text with the key: {"ok": true} or {"ok": false, "error": code}
  create-key STORE_ID XKS_ID   create a KMS key in the store (no alias); prints its KeyId
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import argparse
import json

import boto3
from botocore.exceptions import ClientError

PLAINTEXT = b"kms.xks integration: a secret worth keeping"


def describe(kms, args):
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint_url")
    parser.add_argument("region")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run in (("describe", describe), ("roundtrip", roundtrip)):
        sub = commands.add_parser(name)
        sub.add_argument("key")
        sub.set_defaults(run=run)
    sub = commands.add_parser("create-key")
    sub.add_argument("store_id")
    sub.add_argument("xks_key_id")
    sub.set_defaults(run=create_key)
    args = parser.parse_args()
    kms = boto3.client("kms", endpoint_url=args.endpoint_url, region_name=args.region)
    print(json.dumps(args.run(kms, args), default=str))


if __name__ == "__main__":
    main()
