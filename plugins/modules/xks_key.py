#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: xks_key
version_added: 1.0.0
short_description: Manage a KMS key in an AWS KMS external key store (XKS)
description:
  - Creates and manages one AWS KMS key whose key material is an external key behind an XKS proxy
    (C(Origin=EXTERNAL_KEY_STORE)), idempotently. O(alias) or O(key_id) identifies it.
  - A new key is C(SYMMETRIC_DEFAULT), C(ENCRYPT_DECRYPT) and single-Region, as KMS requires in a custom key store. Its external key
    (O(xks_key_id)), store, origin, key spec and usage cannot change later; a task that gives another value for one of them
    fails before any change, naming both values.
  - A run that changes nothing makes one C(DescribeKey), plus C(ListResourceTags) when O(tags) is given and C(GetKeyPolicy) when
    O(policy) is given. Each change is one API call.
  - Before C(CreateKey), O(preflight) asks the store's proxy C(GetKeyMetadata) for O(xks_key_id) from the controller and refuses an
    external key that KMS would refuse, before KMS is asked.
  - While the store is disconnected, its keys are C(Unavailable). The module reports that with the store's connection state and
    never waits for it.
author:
  - kms.xks developers (@kms-xks)
options:
  alias:
    description:
      - The alias, V(alias/<name>) or V(<name>). Identifies the key when O(key_id) is not given, and is created with the key.
      - With O(key_id), an alias the key must have (created when missing).
    type: str
  key_id:
    description:
      - The key ID or key ARN of an existing KMS key.
    type: str
  custom_key_store_id:
    description:
      - The ID of the external key store to create the key in. The store must be C(CONNECTED).
      - On an existing key, a different store fails (a key cannot move).
      - Mutually exclusive with O(custom_key_store_name).
    type: str
  custom_key_store_name:
    description:
      - The name of the external key store, instead of O(custom_key_store_id) (one more C(DescribeCustomKeyStores) call).
    type: str
  xks_key_id:
    description:
      - The external key's ID on the proxy (C(XksKeyId)), 1 to 128 letters, digits, V(-), V(_) and V(.). Needed to create a key.
      - Bound for life. A different value on an existing key fails and names both.
    type: str
  description:
    description:
      - The key description. When omitted, an existing key's description is left as it is.
    type: str
  tags:
    description:
      - Tags as a dict. When omitted, the tags are left as they are (and not read).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - With O(tags), remove the tags that O(tags) does not list.
    type: bool
    default: true
  policy:
    description:
      - The key policy (JSON). When omitted, KMS's default policy on create, and the policy is left as it is later (and not read).
    type: json
  enabled:
    description:
      - Whether the key is enabled. Not checked while the key is C(Unavailable), since KMS hides it while the store is disconnected.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or edits the key; a key pending deletion is restored with C(CancelKeyDeletion) (and enabled when
        O(enabled=true)).
      - V(absent) schedules the key's deletion (C(ScheduleKeyDeletion)) after O(pending_window) days. A deleted XKS key cannot be
        recreated, even with the same external key, and its ciphertext becomes unrecoverable.
    type: str
    choices: [present, absent]
    default: present
  pending_window:
    description:
      - Days from 7 to 30 before KMS deletes a key scheduled for deletion with O(state=absent).
    type: int
    default: 30
  preflight:
    description:
      - Before C(CreateKey), call the store's proxy C(GetKeyMetadata) for O(xks_key_id) from the controller, at the store's endpoint
        and path, signed with O(xks_proxy_authentication_credential) for O(region).
      - A key that is missing, not C(AES_256), not C(ENABLED), or lacks C(ENCRYPT) or C(DECRYPT) fails the task before KMS is asked; so
        does a rejected credential or a path the proxy does not serve.
      - V(auto) checks when a credential with its secret is given and only warns when the proxy cannot be reached from the controller;
        V(always) fails then, and without a credential; V(never) skips the check.
    type: str
    choices: [auto, always, never]
    default: auto
  xks_proxy_authentication_credential:
    description:
      - The store's proxy credential, to sign the O(preflight) call. Never sent to KMS by this module.
      - Every value given is masked in every output except a valid access key ID.
      - Mutually exclusive with O(xks_proxy_configuration_file).
    type: dict
    suboptions:
      access_key_id:
        description: The access key ID.
        type: str
        required: true
      raw_secret_access_key:
        description: The secret access key; needed to sign.
        type: str
  xks_proxy_configuration_file:
    description:
      - Path of the JSON proxy configuration file that the KMS console accepts; its credential signs the O(preflight) call (the
        URI path comes from the store).
    type: path
notes:
  - Aliases in RV(key.aliases) are the ones the run read. All of them when the key was identified by O(key_id) with an O(alias),
    otherwise the alias that identified it.
  - C(CreateKey) is sent once, never retried, so that a retry cannot meet the key its first attempt made.
  - C(XksKeyAlreadyInUseException) (another KMS key of the store holds the external key) is answered with that key's ID and aliases.
seealso:
  - module: kms.xks.xks_keystore
  - module: kms.xks.xks_proxy_health
  - name: Creating KMS keys in an external key store
    description: The AWS KMS Developer Guide.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/create-xks-keys.html
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
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Create a KMS key bound to an external key, after checking that key on the proxy
  kms.xks.xks_key:
    alias: payments
    custom_key_store_name: ExampleXks
    xks_key_id: bb8562717f809024
    description: Payments data keys
    tags:
      team: payments
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"

- name: Disable it
  kms.xks.xks_key:
    alias: payments
    enabled: false

- name: Schedule its deletion in 7 days
  kms.xks.xks_key:
    alias: payments
    state: absent
    pending_window: 7
"""

RETURN = r"""
key:
  description:
    - The key as C(DescribeKey) reports it after the run, in snake_case, with its aliases, its tags (when O(tags) is given) and its
      policy (when O(policy) is given). In check mode, the prediction (without ID, ARN and date for a key to be created).
      Empty when O(state=absent) finds no key.
  returned: always
  type: dict
  contains:
    key_id:
      description: The key ID.
      returned: when the key exists
      type: str
    arn:
      description: The key ARN.
      returned: when the key exists
      type: str
    key_state:
      description: C(Enabled), C(Disabled), C(PendingDeletion) or C(Unavailable) (store disconnected).
      returned: when the key exists
      type: str
      sample: Enabled
    enabled:
      description: Whether the key is enabled.
      returned: when the key exists
      type: bool
    description:
      description: The description.
      returned: when the key exists
      type: str
    origin:
      description: C(EXTERNAL_KEY_STORE).
      returned: when the key exists
      type: str
    custom_key_store_id:
      description: The external key store.
      returned: when the key exists
      type: str
    xks_key_configuration:
      description: The external key, C(id).
      returned: when the key exists
      type: dict
      sample: {"id": "bb8562717f809024"}
    deletion_date:
      description: When KMS deletes the key (ISO 8601).
      returned: when the key is pending deletion
      type: str
    aliases:
      description: Alias names (see the notes).
      returned: when the key exists
      type: list
      elements: str
    tags:
      description: The tags.
      returned: when O(tags) is given
      type: dict
    policy:
      description: The key policy (JSON text).
      returned: when O(policy) is given
      type: str
actions:
  description: What the run did (in check mode, would do), in order.
  returned: always
  type: list
  elements: str
  sample: ["create", "create_alias"]
diff:
  description: C(before) and C(after), as RV(key). No secret.
  returned: in diff mode
  type: dict
preflight:
  description: The external key check before C(CreateKey), C(outcome) (C(ok), C(unchecked), C(refused)) and C(message).
  returned: when the preflight ran
  type: dict
"""

from ansible_collections.kms.xks.plugins.module_utils._common.module import AnsibleXksModule
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.plugins.module_utils._key.manager import KeyManager
from ansible_collections.kms.xks.plugins.module_utils._spec.key import KEY_MUTUALLY_EXCLUSIVE
from ansible_collections.kms.xks.plugins.module_utils._spec.key import key_argument_spec


def main():
    module = AnsibleXksModule(
        argument_spec=key_argument_spec(),
        supports_check_mode=True,
        required_one_of=[["alias", "key_id"]],
        mutually_exclusive=KEY_MUTUALLY_EXCLUSIVE,
    )
    KeyManager(module, module.client("kms", retry_decorator=kms_retry())).run()


if __name__ == "__main__":
    main()
