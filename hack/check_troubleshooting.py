#!/usr/bin/env python
"""Fail when the troubleshooting guide misses a connection error code or an exception of the KMS API.

The lists come from the KMS model of the installed botocore: every ConnectionErrorCode value, and
every error of the six custom key store operations. Each must appear in the guide as ``NAME``
(the CloudHSM-only ones too: the guide says that they do not apply).
"""

import os
import sys

import botocore.session

GUIDE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "docsite", "rst", "guide_troubleshooting.rst")
OPERATIONS = (
    "CreateCustomKeyStore",
    "UpdateCustomKeyStore",
    "DescribeCustomKeyStores",
    "ConnectCustomKeyStore",
    "DisconnectCustomKeyStore",
    "DeleteCustomKeyStore",
)


def expected_names():
    model = botocore.session.get_session().get_service_model("kms")
    codes = set(model.shape_for("ConnectionErrorCodeType").enum)
    errors = {shape.name for operation in OPERATIONS for shape in model.operation_model(operation).error_shapes}
    return codes | errors


def main():
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    missing = sorted(name for name in expected_names() if "``%s``" % name not in text)
    if missing:
        print("%s does not explain: %s" % (os.path.relpath(GUIDE), ", ".join(missing)), file=sys.stderr)
        return 1
    print("docs: the troubleshooting guide covers every connection error code and exception of the KMS API")
    return 0


if __name__ == "__main__":
    sys.exit(main())
