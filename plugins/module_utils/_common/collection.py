# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Facts about the collection itself, kept in one place."""

COLLECTION_NAME = "kms.xks"
COLLECTION_VERSION = "1.0.0"

# botocore learnt XksProxyVpcEndpointServiceOwner in 1.40.63 (Oct 2025).
BOTOCORE_FOR_VPC_ENDPOINT_SERVICE_OWNER = "1.40.63"
