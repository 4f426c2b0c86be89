#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: xks_proxy_health
version_added: 1.0.0
short_description: Ask an XKS proxy for its health, the way AWS KMS does
description:
  - Calls the C(GetHealthStatus) operation of an external key store proxy, signed with Signature Version 4 for the service
    C(kms-xks-proxy) exactly as AWS KMS signs it, and reports the proxy's answer.
  - Use it to verify a proxy URI endpoint, URI path and credential before KMS uses them, for example before creating a key
    store, rotating the credential or moving the proxy, or to monitor a proxy and its external key managers.
  - Every option is checked before the proxy is called; a bad value fails with a message that names the option.
  - A rejected credential, a denied access, a wrong URI path, an unreachable or slow proxy, a TLS failure and an answer that
    breaks the XKS Proxy API each give their own RV(outcome) and message, with what to do and what KMS would report in the same
    situation.
  - Makes no AWS API call and needs no AWS credentials. Never changes anything.
  - It is in the action group C(group/kms.xks.aws) with the other modules of the collection, so the O(region) set there in
    C(module_defaults) reaches it. It accepts the other AWS options the group may pass (O(access_key), O(secret_key),
    O(session_token), O(profile), O(endpoint_url), O(aws_ca_bundle), O(aws_config), O(debug_botocore_endpoint_logs)) and
    ignores them, since it calls no AWS API.
author:
  - kms.xks developers (@kms-xks)
requirements:
  - python >= 3.8
  - botocore (to sign the request)
  - boto3 (the amazon.aws module class checks for it, as for every module of the group)
options:
  xks_proxy_uri_endpoint:
    description:
      - The proxy URI endpoint, V(https://) followed by a host name, with no port and no path, as in the key store's
        C(XksProxyUriEndpoint). The proxy is called on port 443, as KMS calls it.
    type: str
    required: true
  xks_proxy_uri_path:
    description:
      - The proxy URI path, V(/kms/xks/v1) or V(/<prefix>/kms/xks/v1), as in the key store's C(XksProxyUriPath).
      - One of O(xks_proxy_uri_path) and O(xks_proxy_configuration_file) is required.
      - Mutually exclusive with O(xks_proxy_configuration_file).
    type: str
  region:
    description:
      - The AWS Region of the external key store. KMS signs its requests to the proxy for this Region, and a proxy rejects a
        signature made for another one, as if the credential were wrong.
      - When omitted, the E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variable is used, or the O(region) of
        C(module_defaults) for C(group/kms.xks.aws).
      - A Region name is a host label such as V(us-east-1), the rule botocore applies to Region names. It has letters,
        digits and hyphens, at most 63 characters, not only digits, and no hyphen at either end. Any other value fails before
        the proxy is called.
    type: str
    required: true
    aliases: [aws_region]
  validate_certs:
    description:
      - Whether to verify the proxy's TLS certificate and host name. This module makes no AWS API call, so here the option is
        about the proxy only.
      - Only set V(false) to diagnose a proxy; KMS always verifies the certificate. The module then warns that the proxy's
        certificate was not verified.
      - A O(validate_certs=false) set in C(module_defaults) for C(group/kms.xks.aws) (for example for a test AWS endpoint)
        reaches this module too and turns the proxy check off; set O(validate_certs=true) on the task to keep it.
    type: bool
    default: true
  ca_path:
    description:
      - A file of PEM CA certificates to verify the proxy's certificate with, for example a private CA of a test proxy.
      - When omitted, the system trust store of the host that runs the module is used (it honours the E(SSL_CERT_FILE)
        environment variable).
    type: path
  timeout:
    description:
      - Seconds to wait for the connection and for the answer. Must be greater than 0.
      - KMS itself waits only 250 milliseconds for a proxy; RV(elapsed_ms) tells how long the proxy took from this host.
    type: float
    default: 10
  kms_operation:
    description:
      - The C(kmsOperation) sent in the request metadata. KMS sends V(KmsHealthCheck) when it checks a proxy periodically,
        and the name of the KMS operation when it checks a proxy for V(CreateCustomKeyStore), V(UpdateCustomKeyStore) or
        V(ConnectCustomKeyStore). Some proxies log it.
    type: str
    choices: [KmsHealthCheck, CreateCustomKeyStore, UpdateCustomKeyStore, ConnectCustomKeyStore]
    default: KmsHealthCheck
  fail_on_unhealthy:
    description:
      - Whether the task fails when the proxy is not healthy (any RV(outcome) other than V(healthy)).
      - Set V(false) to report instead, for example to audit many proxies or to retry with C(until); the task then fails only
        on invalid options, and RV(healthy), RV(outcome) and RV(msg) tell what was found.
    type: bool
    default: true
notes:
  - >-
    The module runs on the host that executes the task. To check a proxy from the controller, as in the examples, use
    C(delegate_to: localhost). One of O(xks_proxy_authentication_credential) and O(xks_proxy_configuration_file) is required.
  - A healthy answer here shows that the endpoint, path and credential work from this host. KMS calls the proxy from AWS (over
    the internet, or through the VPC endpoint service), trusts only the public certificate authorities on its list, and waits
    250 milliseconds, so it may still fail where this check succeeds.
  - The proxy is healthy when at least one external key manager is C(ACTIVE) or C(DEGRADED), as KMS decides. The module warns
    when some key managers are not C(ACTIVE).
seealso:
  - module: kms.xks.xks_keystore
  - module: kms.xks.xks_keystore_info
  - name: External Key Store Proxy API Specification
    description: GetHealthStatus and its answer.
    link: https://github.com/aws/aws-kms-xksproxy-api-spec/blob/main/xks_proxy_api_spec.md
extends_documentation_fragment:
  - kms.xks.attributes
  - kms.xks.attributes.action_group
  - kms.xks.proxy_credential
  - amazon.aws.common.modules
  - amazon.aws.region.modules
attributes:
  check_mode:
    support: full
    details: The module only reads, so it calls the proxy in check mode too.
  diff_mode:
    support: N/A
    details: The module changes nothing.
"""

EXAMPLES = r"""
- name: Check a proxy from the controller before KMS uses it
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"
    region: us-east-1
  delegate_to: localhost

- name: Check the path and credential of the proxy's configuration file, trusting a private CA
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_configuration_file: /etc/xks/proxy-configuration.json
    region: eu-west-1
    ca_path: /etc/pki/xks-proxy-ca.pem
  delegate_to: localhost

- name: Report the health of a proxy without failing, and show its key managers
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"
    region: us-east-1
    fail_on_unhealthy: false
  delegate_to: localhost
  register: proxy

- name: Show the proxy's answer
  ansible.builtin.debug:
    msg: "{{ proxy.outcome }}: {{ proxy.health_status.ekm_fleet_details | default([]) | map(attribute='health_status') | list }}"

- name: Wait until a restarted proxy is healthy again
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"
    region: us-east-1
    fail_on_unhealthy: false
  delegate_to: localhost
  register: proxy
  until: proxy.healthy
  retries: 30
  delay: 10
"""

RETURN = r"""
healthy:
  description: Whether the proxy answered and at least one of its external key managers is available.
  returned: always
  type: bool
  sample: true
outcome:
  description:
    - V(healthy); V(unhealthy) (every external key manager is C(UNAVAILABLE)); V(credential_rejected) (HTTP 401);
      V(access_denied) (HTTP 403); V(wrong_path) (HTTP 404); V(invalid_response) (an answer that breaks the XKS Proxy API);
      V(proxy_error) (another HTTP error); V(unreachable) (no connection); V(timed_out) (no answer within O(timeout)); or
      V(tls_error).
  returned: always
  type: str
  sample: healthy
msg:
  description: What was found, in plain language; when the proxy is not healthy, what to do and what KMS would report.
  returned: always
  type: str
  sample: The proxy at https://myproxy.xks.example.com/example-prefix/kms/xks/v1/health is healthy.
url:
  description: The URL that was called.
  returned: always
  type: str
  sample: https://myproxy.xks.example.com/example-prefix/kms/xks/v1/health
elapsed_ms:
  description: How long the call took from the host that ran the module, in milliseconds, connection and TLS handshake included.
  returned: always
  type: int
  sample: 42
http_status:
  description: The HTTP status of the proxy's answer.
  returned: when the proxy answered
  type: int
  sample: 200
health_status:
  description: The proxy's C(GetHealthStatus) answer, in snake_case.
  returned: when the proxy gave a valid answer (RV(outcome) is V(healthy) or V(unhealthy))
  type: complex
  contains:
    xks_proxy_fleet_size:
      description: How many proxy instances serve the endpoint.
      returned: always
      type: int
      sample: 2
    xks_proxy_vendor:
      description: The vendor of the proxy.
      returned: always
      type: str
      sample: Acme Corp
    xks_proxy_model:
      description: The model of the proxy.
      returned: always
      type: str
      sample: Acme XKS Proxy 1.0
    ekm_vendor:
      description: The vendor of the external key manager.
      returned: always
      type: str
      sample: Thales Group
    ekm_fleet_details:
      description: The external key managers behind the proxy (one to ten).
      returned: always
      type: list
      elements: dict
      contains:
        id:
          description: The key manager's ID.
          returned: always
          type: str
          sample: hsm-id-1
        model:
          description: The key manager's model.
          returned: always
          type: str
          sample: Luna 5.0
        health_status:
          description: C(ACTIVE), C(DEGRADED) or C(UNAVAILABLE).
          returned: always
          type: str
          sample: ACTIVE
"""

from ansible.module_utils.basic import env_fallback

from ansible_collections.kms.xks.plugins.module_utils._spec.credential import PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE
from ansible_collections.kms.xks.plugins.module_utils._spec.credential import proxy_credential_argument_spec
from ansible_collections.kms.xks.plugins.module_utils._common.module import AnsibleXksModule
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import check_proxy_health
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import explain
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import key_managers_not_active
from ansible_collections.kms.xks.plugins.module_utils._spec.proxy_health import validate_health_options

KMS_OPERATIONS = ["KmsHealthCheck", "CreateCustomKeyStore", "UpdateCustomKeyStore", "ConnectCustomKeyStore"]


def main():
    argument_spec = dict(
        xks_proxy_uri_endpoint=dict(type="str", required=True),
        xks_proxy_uri_path=dict(type="str"),
        region=dict(type="str", required=True, aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=10),
        kms_operation=dict(type="str", default="KmsHealthCheck", choices=KMS_OPERATIONS),
        fail_on_unhealthy=dict(type="bool", default=True),
    )
    argument_spec.update(proxy_credential_argument_spec())
    # AnsibleXksModule adds the AWS options of group/kms.xks.aws (ignored here: no AWS call); region and validate_certs
    # are this module's own (the signing Region, required; the proxy's TLS check).
    module = AnsibleXksModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE,
        required_one_of=[["xks_proxy_uri_path", "xks_proxy_configuration_file"], ["xks_proxy_authentication_credential", "xks_proxy_configuration_file"]],
    )
    # (AnsibleXksModule has already failed, naming them, if botocore or boto3 is missing.)
    uri_path, credential, errors = validate_health_options(module.params, module.add_secret)
    if errors:
        module.fail_json(msg=" ".join(errors))

    if not module.params["validate_certs"]:
        module.warn("validate_certs=false: the proxy's TLS certificate and host name are not verified (KMS always verifies them).")
    result, report = check_proxy_health(module.params, uri_path, credential)
    not_active = key_managers_not_active(result)
    if not_active:
        module.warn("Some external key managers behind the proxy are not ACTIVE: %s." % ", ".join(not_active))
    if not result.healthy and module.params["fail_on_unhealthy"]:
        module.fail_json(msg=explain(result), **report)
    module.exit_json(changed=False, msg=explain(result), **report)


if __name__ == "__main__":
    main()
