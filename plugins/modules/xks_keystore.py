#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: xks_keystore
version_added: 1.0.0
short_description: Manage an AWS KMS external key store (XKS)
description:
  - Creates, edits, connects, disconnects and deletes one AWS KMS external key store, declaratively.
  - Compares the requested properties with the current ones and sends one C(UpdateCustomKeyStore) call with exactly the
    properties that differ. A run that changes nothing makes one API call.
  - The name, the proxy URI path and the proxy credential change while the store is connected. The connectivity, the proxy
    URI endpoint and the VPC endpoint service name and owner can only change while it is disconnected; for those the module
    disconnects the store once, applies all changes in one update, and restores the connection state the store had (or the
    one asked for with O(connection_state)). Set O(allow_disconnect=false) to refuse instead.
  - If KMS rejects the update after the disconnect, the module reconnects the store, then fails with the KMS error and the
    final state.
  - While an external key store is disconnected, every KMS key in it is unusable. KMS takes about five minutes to connect
    or disconnect a store.
author:
  - kms.xks developers (@kms-xks)
options:
  name:
    description:
      - The custom key store name (C(CustomKeyStoreName)), 1 to 256 characters, unique in the account and Region.
      - Identifies the store when O(id) is not given. With O(id), the name the store must have (a rename).
      - Required to create a store. One of O(name) and O(id) is required.
      - KMS keeps leading and trailing whitespace, so V( payments) and V(payments) are two names; the module warns about such a
        name.
    type: str
  id:
    description:
      - The custom key store ID (C(CustomKeyStoreId)), for example V(cks-1234567890abcdef0).
    type: str
    aliases: [custom_key_store_id]
  state:
    description:
      - V(present) creates or edits the store; V(absent) deletes it, disconnecting it first.
      - Before that, V(absent) finds the store's KMS keys (C(ListKeys), and C(DescribeKey) for each key of the account and Region).
        A store that still holds keys is not disconnected; see O(schedule_key_deletion).
    type: str
    choices: [present, absent]
    default: present
  connection_state:
    description:
      - Whether the store must end V(connected) or V(disconnected).
      - When omitted, the store keeps the connection state it has. A C(FAILED) store is disconnected before it is connected again.
    type: str
    choices: [connected, disconnected]
  xks_proxy_connectivity:
    description:
      - How KMS reaches the XKS proxy (C(XksProxyConnectivity)). Required to create a store.
      - Changing it needs a disconnected store and a new O(xks_proxy_uri_endpoint).
    type: str
    choices: [PUBLIC_ENDPOINT, VPC_ENDPOINT_SERVICE]
  xks_proxy_uri_endpoint:
    description:
      - The proxy URI endpoint (C(XksProxyUriEndpoint)), V(https://) followed by a host name, with no port (KMS uses 443)
        and no path. For VPC connectivity, the private DNS name of the VPC endpoint service. Required to create a store.
      - Changing it needs a disconnected store.
    type: str
  xks_proxy_uri_path:
    description:
      - The proxy URI path (C(XksProxyUriPath)), V(/kms/xks/v1) or V(/<prefix>/kms/xks/v1). Required to create a store,
        unless O(xks_proxy_configuration_file) gives it.
      - Mutually exclusive with O(xks_proxy_configuration_file).
    type: str
  xks_proxy_vpc_endpoint_service_name:
    description:
      - The VPC endpoint service name (C(XksProxyVpcEndpointServiceName)), required with
        O(xks_proxy_connectivity=VPC_ENDPOINT_SERVICE) and invalid with V(PUBLIC_ENDPOINT).
      - Changing it needs a disconnected store.
    type: str
  xks_proxy_vpc_endpoint_service_owner:
    description:
      - The 12-digit ID of the AWS account that owns a cross-account VPC endpoint service (C(XksProxyVpcEndpointServiceOwner)).
        When omitted on create, KMS uses the caller's account; when omitted on edit, the owner is left as it is.
      - Needs botocore 1.40.63 or later. Changing it needs a disconnected store.
    type: str
  update_credential:
    description:
      - When to send O(xks_proxy_authentication_credential) to an existing store. KMS never returns the secret, so it cannot be compared.
      - V(on_change) sends it when its access key ID differs from the one KMS reports, or when KMS reports C(INVALID_CREDENTIALS).
      - V(always) sends it on every run (the task always reports a change); V(on_create) only when the store is created.
    type: str
    choices: [on_change, always, on_create]
    default: on_change
  allow_disconnect:
    description:
      - Whether the module may disconnect and reconnect a connected store when an edit needs it.
      - With V(false), such an edit fails before any change, naming the properties that need a disconnect.
    type: bool
    default: true
  preflight:
    description:
      - Before an edit disconnects a connected store, call the proxy's C(GetHealthStatus) from the controller with the new
        endpoint, path and credential, signed for O(region).
      - A definite "no" (credential rejected, wrong path, no healthy key manager, unusable answer) fails the task before the outage.
      - When the proxy is healthy and the store holds KMS keys, the store's keys are found (C(ListKeys) and one C(DescribeKey) per key
        of the account and Region) and the new proxy is asked C(GetKeyMetadata) for the external key of each, signed with the new
        credential. Keys pending deletion count too, since their deletion can be cancelled. An external key that is missing there,
        disabled, lacks C(ENCRYPT) or C(DECRYPT), or is not C(AES_256) fails the task before the outage, naming each KMS key and its
        external key; fix the keys on the new proxy, or set V(never) to make the edit anyway.
      - C(GetKeyMetadata) shows that the external keys exist and are usable on the new proxy, not that they are the same key
        material. Check that before a move with M(kms.xks.xks_proxy_health) and its C(reference_proxy) option.
      - V(auto) only warns when the proxy cannot be reached from the controller (common with VPC connectivity), when it gives no
        answer that can be judged (for example HTTP 5xx), when the store's keys cannot be listed, or when the task gives no credential
        to sign with; V(always) fails then; V(never) skips the check.
      - Runs in check mode too, since it changes nothing. The controller verifies the proxy's certificate with the system trust store,
        which honours the E(SSL_CERT_FILE) environment variable.
    type: str
    choices: [auto, always, never]
    default: auto
  schedule_key_deletion:
    description:
      - With O(state=absent), what to do with a store that still holds KMS keys (KMS deletes a store only once its keys are gone).
      - V(false) fails before any change (the store is not disconnected), naming each key and its state.
      - V(true) schedules the deletion of each key not yet pending deletion (O(pending_window) days), reports each key with its deletion
        date in RV(keys), and changes nothing else. A later run, once KMS has deleted the keys, disconnects and deletes the store.
    type: bool
    default: false
  pending_window:
    description:
      - Days from 7 to 30 before KMS deletes each key scheduled with O(schedule_key_deletion=true).
    type: int
    default: 30
  wait:
    description:
      - Whether to wait until the store is C(CONNECTED) or C(DISCONNECTED) at the end of the run.
      - An edit that needs a disconnect always waits for C(DISCONNECTED) before the update.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each connection state change. Must be greater than 0.
    type: int
    default: 1200
notes:
  - After an edit, KMS may take up to five minutes for the change to be fully effective.
  - An edit that disconnects a store takes about ten minutes on AWS (two transitions). Run it with C(async) and C(poll) so that
    a job does not sit silent, and read RV(timeline) and RV(outage_seconds) afterwards. Set O(connection_state=connected) on
    tasks for live stores; a store that a run leaves C(DISCONNECTED) without being asked to always gets a warning, since its KMS
    keys are unusable until it is connected.
  - Concurrent edits of one store are last-writer-wins in KMS. The module reads the store back after an update that ends the
    run and warns when another run's change replaced its own; a transition started by another run is waited out, then the
    run plans again (once). To serialise runs on one store, set the task keyword C(throttle) to 1 (or play with C(serial)), and in AWX use one job
    template per store with concurrent jobs disabled.
  - The new values must reach a proxy for the same external key manager (or a backup with the same keys); otherwise ciphertext
    encrypted under the store's KMS keys becomes unrecoverable.
seealso:
  - module: kms.xks.xks_keystore_info
  - module: kms.xks.xks_proxy_health
  - name: Editing external key store properties
    description: The AWS KMS Developer Guide.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/update-xks-keystore.html
extends_documentation_fragment:
  - kms.xks.attributes
  - kms.xks.attributes.action_group
  - kms.xks.kms_retries
  - kms.xks.proxy_credential
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
- name: Create an external key store with public endpoint connectivity and connect it
  kms.xks.xks_keystore:
    name: ExampleXksPublic
    xks_proxy_connectivity: PUBLIC_ENDPOINT
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"
    connection_state: connected
  register: created

- name: Rename a key store (found by its id, as its name is what changes)
  kms.xks.xks_keystore:
    id: "{{ created.custom_key_store.custom_key_store_id }}"
    name: ExampleXks
    connection_state: connected

- name: Tell KMS about a credential rotated on the proxy (no outage)
  kms.xks.xks_keystore:
    name: ExampleXks
    connection_state: connected
    xks_proxy_authentication_credential:
      access_key_id: "{{ new_access_key_id }}"
      raw_secret_access_key: "{{ new_secret_access_key }}"

- name: Take the path and credential from the proxy's configuration file
  kms.xks.xks_keystore:
    name: ExampleXks
    xks_proxy_configuration_file: /etc/xks/proxy-configuration.json
    connection_state: connected

- name: Change the proxy URI path (no outage)
  kms.xks.xks_keystore:
    name: ExampleXks
    xks_proxy_uri_path: /kms/xks/v1
    connection_state: connected

- name: Move to VPC endpoint service connectivity (disconnects and reconnects automatically), without a silent wait
  kms.xks.xks_keystore:
    name: ExampleXks
    xks_proxy_connectivity: VPC_ENDPOINT_SERVICE
    xks_proxy_uri_endpoint: https://myproxy-private.xks.example.com
    xks_proxy_vpc_endpoint_service_name: com.amazonaws.vpce.us-east-1.vpce-svc-example
    connection_state: connected
  async: 1800
  poll: 15
  register: move

- name: Show how long the keys were unusable
  ansible.builtin.debug:
    msg: "Outage {{ move.outage_seconds }} s: {{ move.timeline | map(attribute='state') | join(' -> ') }}"

- name: Move back to public endpoint connectivity only if that needs no outage (fails on a connected store, naming the properties)
  kms.xks.xks_keystore:
    name: ExampleXks
    xks_proxy_connectivity: PUBLIC_ENDPOINT
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    connection_state: connected
    allow_disconnect: false

- name: Delete a key store (it is disconnected first; a store that still holds KMS keys is refused, naming them)
  kms.xks.xks_keystore:
    name: ExampleXks
    state: absent

- name: Retire a key store that holds KMS keys, step 1 (schedule the keys' deletion, leave the store)
  kms.xks.xks_keystore:
    name: ExampleXks
    state: absent
    schedule_key_deletion: true
    pending_window: 7
  register: retiring

- name: Show when each key goes
  ansible.builtin.debug:
    msg: "{{ item.key_id }} {{ item.aliases }} {{ item.deletion_date }}"
  loop: "{{ retiring['keys'] | default([]) }}"
"""

RETURN = r"""
custom_key_store:
  description:
    - The key store as C(DescribeCustomKeyStores) reports it after the run, in snake_case. In check mode, the predicted entry
      (without the ID and creation date of a store that would be created). Empty after a deletion.
  returned: always
  type: complex
  contains:
    custom_key_store_id:
      description: The key store ID.
      returned: when the store exists
      type: str
      sample: cks-1234567890abcdef0
    custom_key_store_name:
      description: The key store name.
      returned: when the store exists
      type: str
      sample: ExampleXksPublic
    custom_key_store_type:
      description: Always C(EXTERNAL_KEY_STORE).
      returned: when the store exists
      type: str
      sample: EXTERNAL_KEY_STORE
    connection_state:
      description: C(CONNECTED), C(CONNECTING), C(DISCONNECTED), C(DISCONNECTING) or C(FAILED).
      returned: when the store exists
      type: str
      sample: CONNECTED
    connection_error_code:
      description: Why the last connection attempt failed.
      returned: when RV(custom_key_store.connection_state) is C(FAILED)
      type: str
      sample: XKS_PROXY_NOT_REACHABLE
    connection_error_hint:
      description: What RV(custom_key_store.connection_error_code) means and how to fix it, in plain language.
      returned: when RV(custom_key_store.connection_state) is C(FAILED)
      type: str
    creation_date:
      description: When the store was created (ISO 8601).
      returned: when the store exists
      type: str
      sample: "2026-11-28T10:00:00+00:00"
    xks_proxy_configuration:
      description: How KMS reaches the proxy. The secret access key is never returned.
      returned: when the store exists
      type: dict
      contains:
        access_key_id:
          description: The access key ID of the proxy credential.
          type: str
          returned: always
        connectivity:
          description: C(PUBLIC_ENDPOINT) or C(VPC_ENDPOINT_SERVICE).
          type: str
          returned: always
        uri_endpoint:
          description: The proxy URI endpoint.
          type: str
          returned: always
        uri_path:
          description: The proxy URI path.
          type: str
          returned: always
        vpc_endpoint_service_name:
          description: The VPC endpoint service name.
          type: str
          returned: with VPC connectivity
        vpc_endpoint_service_owner:
          description: The account that owns the VPC endpoint service.
          type: str
          returned: with VPC connectivity, when KMS reports it
actions:
  description: The operations the run performed (or, in check mode, would perform), in order.
  returned: always
  type: list
  elements: str
  sample: [disconnect, update, connect]
timeline:
  description:
    - The connection states the run saw, oldest first, each once when it began (the state at the lookup, the state each
      C(ConnectCustomKeyStore)/C(DisconnectCustomKeyStore) started, and every new state a wait saw), so it shows where the minutes
      of a long wait went. Empty in check mode for a store that does not exist yet.
  returned: always
  type: list
  elements: dict
  contains:
    state:
      description: The C(ConnectionState).
      type: str
      returned: always
      sample: DISCONNECTING
    at:
      description: When the run saw it (ISO 8601, UTC).
      type: str
      returned: always
      sample: "2026-12-01T15:04:12.250000Z"
    elapsed_seconds:
      description: Seconds since the task started.
      type: float
      returned: always
      sample: 3.0
  sample:
    - {state: CONNECTED, at: "2026-12-01T15:04:09.250000Z", elapsed_seconds: 0.0}
    - {state: DISCONNECTING, at: "2026-12-01T15:04:09.410000Z", elapsed_seconds: 0.16}
    - {state: DISCONNECTED, at: "2026-12-01T15:09:12.100000Z", elapsed_seconds: 302.85}
    - {state: CONNECTING, at: "2026-12-01T15:09:12.400000Z", elapsed_seconds: 303.15}
    - {state: CONNECTED, at: "2026-12-01T15:14:20.000000Z", elapsed_seconds: 610.75}
outage_seconds:
  description:
    - How long the store was not C(CONNECTED) during the run, in seconds (until the end of the run if it still is not).
      C(0.0) when the run caused no outage (and in check mode).
  returned: when the store was C(CONNECTED) at the start of the run
  type: float
  sample: 607.59
preflight:
  description:
    - The verdict of the checks before an edit disconnects a C(CONNECTED) store. First the new values are checked against
      KMS's uniqueness rules and the other stores of the account and Region (one C(DescribeCustomKeyStores) call); then,
      when the store is to be connected again, the proxy's GetHealthStatus is asked with the new values (O(preflight)), and then
      GetKeyMetadata for the external key of each of the store's KMS keys.
  returned: when an edit would disconnect a CONNECTED store
  type: dict
  contains:
    outcome:
      description:
        - C(ok) (the proxy is healthy and serves every external key of the store's KMS keys), C(warned) (the controller could not
          check the proxy or some of the keys; the run went on), C(skipped) (O(preflight=never), or no secret to sign with),
          C(refused) (nothing was changed; the message says why and names the keys).
      type: str
      returned: always
      sample: ok
    message:
      description: What the check found, with how many external keys were checked.
      type: str
      returned: always
      sample: >-
        The proxy at https://myproxy2.xks.example.com/kms/xks/v1/health is healthy. GetKeyMetadata on the new proxy found 2 of the
        2 external key(s) of the store's 2 KMS key(s) usable. GetKeyMetadata shows that the keys exist and are usable on the new
        proxy, not that they are the same key material: check that with kms.xks.xks_proxy_health and reference_proxy.
keys:
  description:
    - The KMS keys of a store that O(state=absent) found, after the run (in check mode, predicted), when there are any.
  returned: when O(state=absent) finds KMS keys in the store and O(schedule_key_deletion=true)
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
      description: The external key's ID on the proxy.
      type: str
      returned: always
    key_state:
      description: The key state, C(PendingDeletion) after the run.
      type: str
      returned: always
    deletion_date:
      description: When KMS deletes the key (ISO 8601).
      type: str
      returned: always
error_code:
  description: The AWS error code behind a failure.
  returned: on failure caused by an AWS error
  type: str
  sample: XksProxyIncorrectAuthenticationCredentialException
"""

from ansible_collections.kms.xks.plugins.module_utils._spec.credential import PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE
from ansible_collections.kms.xks.plugins.module_utils._spec.credential import proxy_credential_argument_spec
from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry
from ansible_collections.kms.xks.plugins.module_utils._keystore.manager import KeystoreManager
from ansible_collections.kms.xks.plugins.module_utils._common.module import AnsibleXksModule


def main():
    argument_spec = dict(
        name=dict(type="str"),
        id=dict(type="str", aliases=["custom_key_store_id"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        connection_state=dict(type="str", choices=["connected", "disconnected"]),
        xks_proxy_connectivity=dict(type="str", choices=["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"]),
        xks_proxy_uri_endpoint=dict(type="str"),
        xks_proxy_uri_path=dict(type="str"),
        xks_proxy_vpc_endpoint_service_name=dict(type="str"),
        xks_proxy_vpc_endpoint_service_owner=dict(type="str"),
        update_credential=dict(type="str", default="on_change", choices=["on_change", "always", "on_create"], no_log=False),
        allow_disconnect=dict(type="bool", default=True),
        preflight=dict(type="str", default="auto", choices=["auto", "always", "never"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1200),
        schedule_key_deletion=dict(type="bool", default=False),
        pending_window=dict(type="int", default=30),
    )
    argument_spec.update(proxy_credential_argument_spec())
    module = AnsibleXksModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["name", "id"]],
        mutually_exclusive=PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE,
    )
    client = module.client("kms", retry_decorator=kms_retry())
    KeystoreManager(module, client).run()


if __name__ == "__main__":
    main()
