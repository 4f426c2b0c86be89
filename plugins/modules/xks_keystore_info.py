#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: xks_keystore_info
version_added: 1.0.0
short_description: List AWS KMS external key stores (XKS) and their connection state
description:
  - Returns the external key stores of an AWS account and Region, as C(DescribeCustomKeyStores) reports them, in snake_case.
  - Looks one store up by O(id) or by O(name), or lists every store (following the pagination of C(DescribeCustomKeyStores)).
  - Each store comes with its connection state and, when the last connection attempt failed, the C(ConnectionErrorCode) and
    a plain-language hint that says what it means and how to fix it.
  - A store that does not exist gives an empty list, not a failure.
  - Changes nothing.
author:
  - kms.xks developers (@kms-xks)
options:
  id:
    description:
      - The custom key store ID (C(CustomKeyStoreId)), for example V(cks-1234567890abcdef0).
      - Mutually exclusive with O(name).
    type: str
    aliases: [custom_key_store_id]
  name:
    description:
      - The custom key store name (C(CustomKeyStoreName)), 1 to 256 characters.
      - Mutually exclusive with O(id).
    type: str
  keys:
    description:
      - Whether to list every KMS key of each store returned, in RV(custom_key_stores[].keys).
      - Costs one C(ListKeys) (per 1000 keys), one C(DescribeKey) per KMS key of the account and Region (no KMS API filters keys by
        store), and one C(ListAliases) (per 1000 aliases).
    type: bool
    default: false
  include_cloudhsm:
    description:
      - Whether to return AWS CloudHSM key stores too. By default only external key stores are returned.
    type: bool
    default: false
seealso:
  - module: kms.xks.xks_keystore
  - module: kms.xks.xks_proxy_health
  - name: Connecting and disconnecting an external key store
    description: Connection states and connection error codes, in the AWS KMS Developer Guide.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/xks-connect-disconnect.html
extends_documentation_fragment:
  - kms.xks.attributes
  - kms.xks.attributes.action_group
  - kms.xks.kms_retries
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same way in check mode.
  diff_mode:
    support: N/A
    details: The module changes nothing.
"""

EXAMPLES = r"""
- name: List every external key store of the account and Region
  kms.xks.xks_keystore_info:
    region: us-east-1
  register: xks

- name: Fail when a key store is not connected, with the reason KMS gives
  ansible.builtin.assert:
    that: item.connection_state == 'CONNECTED'
    fail_msg: "{{ item.custom_key_store_name }} is {{ item.connection_state }}: {{ item.connection_error_hint | default('') }}"
    quiet: true
  loop: "{{ xks.custom_key_stores }}"
  loop_control:
    label: "{{ item.custom_key_store_name }}"

- name: Look one key store up by name
  kms.xks.xks_keystore_info:
    name: ExampleXksPublic
  register: store

- name: Show its proxy endpoint (an unknown name gives an empty list)
  ansible.builtin.debug:
    msg: "{{ store.custom_key_stores[0].xks_proxy_configuration.uri_endpoint }}"
  when: store.custom_key_stores | length > 0

- name: Look one key store up by ID
  kms.xks.xks_keystore_info:
    id: cks-1234567890abcdef0

- name: List the KMS keys of a key store
  kms.xks.xks_keystore_info:
    name: ExampleXksPublic
    keys: true
  register: store

- name: Show each key with its external key (keys is also a dict method in Jinja, so index it)
  ansible.builtin.debug:
    msg: "{{ item.key_id }} {{ item.aliases }} {{ item.xks_key_id }} {{ item.key_state }}"
  loop: "{{ store.custom_key_stores[0]['keys'] }}"

- name: List every custom key store, AWS CloudHSM key stores included
  kms.xks.xks_keystore_info:
    include_cloudhsm: true
"""

RETURN = r"""
custom_key_stores:
  description:
    - The key stores, as C(DescribeCustomKeyStores) reports them, in snake_case; each has the same shape as
      RV(kms.xks.xks_keystore#module:custom_key_store).
    - Empty when no store matches.
  returned: always
  type: list
  elements: dict
  contains:
    custom_key_store_id:
      description: The key store ID.
      returned: always
      type: str
      sample: cks-1234567890abcdef0
    custom_key_store_name:
      description: The key store name.
      returned: always
      type: str
      sample: ExampleXksPublic
    custom_key_store_type:
      description: C(EXTERNAL_KEY_STORE), or C(AWS_CLOUDHSM) with O(include_cloudhsm=true).
      returned: always
      type: str
      sample: EXTERNAL_KEY_STORE
    connection_state:
      description: C(CONNECTED), C(CONNECTING), C(DISCONNECTED), C(DISCONNECTING) or C(FAILED).
      returned: always
      type: str
      sample: FAILED
    connection_error_code:
      description: Why the last connection attempt failed.
      returned: when RV(custom_key_stores[].connection_state) is C(FAILED)
      type: str
      sample: XKS_PROXY_NOT_REACHABLE
    connection_error_hint:
      description: What RV(custom_key_stores[].connection_error_code) means and how to fix it, in plain language.
      returned: when RV(custom_key_stores[].connection_state) is C(FAILED)
      type: str
      sample: >-
        KMS cannot communicate with the XKS proxy, or the proxy reports that all external key managers are unavailable.
        Check xks_proxy_uri_endpoint and xks_proxy_uri_path, that the proxy is up and reachable, and that its key managers
        are healthy. Then disconnect the key store and connect it again (a FAILED store must be disconnected first).
    creation_date:
      description: When the store was created (ISO 8601).
      returned: always
      type: str
      sample: "2026-11-28T10:00:00+00:00"
    xks_proxy_configuration:
      description: How KMS reaches the proxy. The secret access key is never returned.
      returned: for external key stores
      type: dict
      contains:
        access_key_id:
          description: The access key ID of the proxy credential.
          type: str
          returned: always
          sample: AKIAI2SFODNN7EXAMPLE
        connectivity:
          description: C(PUBLIC_ENDPOINT) or C(VPC_ENDPOINT_SERVICE).
          type: str
          returned: always
          sample: PUBLIC_ENDPOINT
        uri_endpoint:
          description: The proxy URI endpoint.
          type: str
          returned: always
          sample: https://myproxy.xks.example.com
        uri_path:
          description: The proxy URI path.
          type: str
          returned: always
          sample: /example-prefix/kms/xks/v1
        vpc_endpoint_service_name:
          description: The VPC endpoint service name.
          type: str
          returned: with VPC connectivity
          sample: com.amazonaws.vpce.us-east-1.vpce-svc-example
        vpc_endpoint_service_owner:
          description: The account that owns the VPC endpoint service.
          type: str
          returned: with VPC connectivity, when KMS reports it
          sample: "111122223333"
    keys:
      description: The KMS keys in the store.
      returned: when O(keys=true)
      type: list
      elements: dict
      contains:
        key_id:
          description: The key ID.
          type: str
          returned: always
        arn:
          description: The key ARN.
          type: str
          returned: always
        aliases:
          description: The alias names of the key.
          type: list
          elements: str
          returned: always
        xks_key_id:
          description: The external key's ID on the proxy (for keys of external key stores).
          type: str
          returned: always
        key_state:
          description: C(Enabled), C(Disabled), C(PendingDeletion) or C(Unavailable).
          type: str
          returned: always
        deletion_date:
          description: When KMS deletes the key (ISO 8601).
          type: str
          returned: when the key is pending deletion
    cloud_hsm_cluster_id:
      description: The AWS CloudHSM cluster of a CloudHSM key store.
      returned: for AWS CloudHSM key stores
      type: str
      sample: cluster-1a23b4cdefg
    trust_anchor_certificate:
      description: The trust anchor certificate of the CloudHSM cluster.
      returned: for AWS CloudHSM key stores
      type: str
"""

from ansible_collections.kms.xks.plugins.module_utils._common.errors import AnsibleXksError
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.plugins.module_utils._common.states import EXTERNAL_KEY_STORE
from ansible_collections.kms.xks.plugins.module_utils._api.key import aliases_by_key
from ansible_collections.kms.xks.plugins.module_utils._api.key import custom_key_store_keys
from ansible_collections.kms.xks.plugins.module_utils._api.keystore import find_key_stores
from ansible_collections.kms.xks.plugins.module_utils._transformations.key import store_key_summary
from ansible_collections.kms.xks.plugins.module_utils._transformations.keystore import normalize_key_store
from ansible_collections.kms.xks.plugins.module_utils._common.module import AnsibleXksModule
from ansible_collections.kms.xks.plugins.module_utils._spec.keystore import validate_keystore_options


def main():
    argument_spec = dict(
        id=dict(type="str", aliases=["custom_key_store_id"]),
        name=dict(type="str"),
        include_cloudhsm=dict(type="bool", default=False),
        keys=dict(type="bool", default=False, no_log=False),
    )
    module = AnsibleXksModule(argument_spec=argument_spec, supports_check_mode=True, mutually_exclusive=[["id", "name"]])
    # Only id and name are set among the options it checks; a bad one fails here instead of at KMS.
    errors = validate_keystore_options(module.params)
    if errors:
        module.fail_json(msg=" ".join(errors))

    client = module.client("kms", retry_decorator=kms_retry())
    try:
        stores = find_key_stores(client, store_id=module.params["id"], name=module.params["name"])
    except AnsibleXksError as e:
        module.fail_json_aws_error(e)

    wanted = [store for store in stores if module.params["include_cloudhsm"] or store.get("CustomKeyStoreType") == EXTERNAL_KEY_STORE]
    for store in stores:
        if store not in wanted and (module.params["id"] or module.params["name"]):
            # Asked for by id or name: an empty list alone would look like "no such store".
            module.warn(
                "Custom key store %s (%s) is a %s key store; set include_cloudhsm=true to return it."
                % (store.get("CustomKeyStoreName"), store.get("CustomKeyStoreId"), store.get("CustomKeyStoreType"))
            )
    results = [normalize_key_store(store) for store in wanted]
    if module.params["keys"] and wanted:
        try:
            add_store_keys(client, results)
        except AnsibleXksError as e:
            module.fail_json_aws_error(e)
    module.exit_json(changed=False, custom_key_stores=results)


def add_store_keys(client, results):
    """Each returned store's KMS keys, from one listing of the account's keys and aliases."""
    keys = custom_key_store_keys(client)
    aliases = aliases_by_key(client)
    for result in results:
        result["keys"] = [store_key_summary(metadata, aliases.get(metadata["KeyId"], [])) for metadata in keys.get(result["custom_key_store_id"], [])]


if __name__ == "__main__":
    main()
