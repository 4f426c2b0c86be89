#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: xks_proxy_health
version_added: 1.0.0
short_description: Audit an XKS proxy the way AWS KMS uses it (health, external keys, key material, TLS, latency)
description:
  - Calls the C(GetHealthStatus) operation of an external key store proxy, signed with Signature Version 4 for the service
    C(kms-xks-proxy) exactly as AWS KMS signs it, and reports the proxy's answer.
  - Use it to verify a proxy URI endpoint, URI path and credential before KMS uses them, for example before creating a key
    store, rotating the credential or moving the proxy, or to monitor a proxy and its external key managers.
  - It also audits what KMS needs from the proxy beyond its health. It calls C(GetHealthStatus) O(samples) times and judges the
    latency against the 250 ms KMS waits. It reports the TLS certificate and the days until it expires. With O(xks_key_ids),
    it asks C(GetKeyMetadata) for each external key and says whether KMS can use it.
  - With O(reference_proxy), it proves, before a move, that the proxy under test fronts the same key material as the proxy
    a key store uses now. For each of O(xks_key_ids), a random canary encrypted on one proxy must decrypt on the other, both
    ways. A move to a proxy that does not front the same key manager makes ciphertext under those keys unrecoverable.
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
      - Whether the task fails when the audit finds anything wrong (any RV(outcome) other than V(healthy)). That is a proxy that
        is not healthy, an expired certificate, an external key that KMS cannot use, other key material than the reference
        proxy's (or material that could not be compared), or a latency over KMS's 250 ms.
      - Set V(false) to report instead, for example to audit many proxies or to retry with C(until); the task then fails only
        on invalid options, and RV(healthy), RV(outcome), RV(findings) and RV(msg) tell what was found.
    type: bool
    default: true
  xks_key_ids:
    description:
      - External key IDs (the C(XksKeyId) of KMS keys, as the proxy knows them) to ask C(GetKeyMetadata) about.
      - Each is usable when the proxy reports an C(AES_256) key that is C(ENABLED) and has both C(ENCRYPT) and C(DECRYPT)
        usage, the rules of KMS's C(CreateKey). A key that is not usable is a finding (RV(outcome=key_unusable)).
      - The keys are asked about only when the proxy answers C(GetHealthStatus); at most 100, each listed once.
      - The requests carry C(kmsOperation=CreateKey) and an C(awsPrincipalArn) of an account ID of zeros
        (V(arn:aws:iam::000000000000:user/kms.xks-proxy-audit)), so that the proxy's logs tell them from KMS's calls.
    type: list
    elements: str
  reference_proxy:
    description:
      - The proxy to compare key material with, usually the one the key store uses now, before moving it to the proxy under
        test. Requires O(xks_key_ids).
      - For each external key that is usable on the proxy under test, a random 32-byte canary is encrypted on the reference
        proxy (C(Encrypt), C(AES_GCM), random additional authenticated data, with the C(SHA_256) integrity value KMS asks for
        and checks) and decrypted on the proxy under test, then the other way round. RV(keys[].same_key_material) tells the
        result. Other material is a finding (RV(outcome=key_material_differs)), and so is a canary that could not go through
        both proxies (RV(outcome=key_material_unchecked)).
      - The canary calls carry C(kmsOperation) V(Encrypt) and V(Decrypt), and an C(awsPrincipalArn) and C(kmsKeyArn) of an
        account ID of zeros. A proxy whose secondary authorization refuses them answers 403, and the material is reported
        unchecked.
      - The reference proxy is signed for the same O(region) and reached with the same O(ca_path), O(validate_certs) and
        O(timeout).
    type: dict
    suboptions:
      uri_endpoint:
        description: The reference proxy's URI endpoint, V(https://) and a host name, as in O(xks_proxy_uri_endpoint).
        type: str
        required: true
      uri_path:
        description: The reference proxy's URI path, as in O(xks_proxy_uri_path).
        type: str
        required: true
      authentication_credential:
        description:
          - The credential the reference proxy accepts for O(reference_proxy.uri_path).
          - Every value of it but a valid O(reference_proxy.authentication_credential.access_key_id) is masked in all output,
            whatever shape it is given in.
        type: dict
        required: true
        suboptions:
          access_key_id:
            description: The access key ID (20 to 30 characters of A-Z and 2-7).
            type: str
            required: true
          raw_secret_access_key:
            description: The secret (43 to 64 characters). Never shown.
            type: str
            required: true
  samples:
    description:
      - How many times to call C(GetHealthStatus) for RV(latency_ms). The first call is the health check itself. Each call
        is made on a new TLS connection and counts the connection's set-up.
      - KMS times out any call after 250 ms. A median over 250 ms is a finding (RV(outcome=slow)), since KMS would time out on
        the typical call. Any call over 250 ms, and a median over the 35 ms round trip that the XKS Proxy API spec
        recommends, are warnings (a single slow call from a busy host is not taken for a slow proxy).
      - From 1 to 100.
    type: int
    default: 5
  certificate_min_days:
    description:
      - Warn when the proxy's TLS certificate expires in fewer days than this. An expired certificate is always a finding
        (RV(outcome=certificate_expired)), because KMS cannot connect to the proxy then.
      - CloudWatch reports the same number as the C(XksProxyCertificateDaysToExpire) metric; AWS suggests an alarm below 10.
    type: int
    default: 30
notes:
  - >-
    The module runs on the host that executes the task. To check a proxy from the controller, as in the examples, use
    C(delegate_to: localhost). One of O(xks_proxy_authentication_credential) and O(xks_proxy_configuration_file) is required.
  - A healthy answer here shows that the endpoint, path and credential work from this host. KMS calls the proxy from AWS (over
    the internet, or through the VPC endpoint service), trusts only the public certificate authorities on its list, and waits
    250 milliseconds, so it may still fail where this check succeeds.
  - The proxy is healthy when at least one external key manager is C(ACTIVE) or C(DEGRADED), as KMS decides. The module warns
    when some key managers are not C(ACTIVE).
  - Latency is measured from the host that runs the module, not from the AWS Region of the key store; it shows what this host
    sees, and KMS's own view is the C(XksProxyLatency) CloudWatch metric.
  - The canary of O(reference_proxy) proves that both proxies decrypt each other's ciphertext under each key. GetKeyMetadata
    alone (O(xks_key_ids) without O(reference_proxy)) only shows that a key of that ID exists and is usable.
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
    details: The module only reads (the canary is encrypted and decrypted, nothing is stored), so it calls the proxy in check mode too.
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

- name: Audit the external keys of a store on the proxy, its certificate and its latency
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ xks_access_key_id }}"
      raw_secret_access_key: "{{ xks_secret_access_key }}"
    region: us-east-1
    xks_key_ids: [bb8562717f809024]
    samples: 10
    certificate_min_days: 30
    fail_on_unhealthy: false
  delegate_to: localhost
  register: audit

- name: Show what the audit found
  ansible.builtin.debug:
    msg:
      - "{{ audit.outcome }}: usable {{ audit['keys'] | default([]) | map(attribute='usable') | list }}"
      - "p95 {{ audit.latency_ms.p95 | default('-') }} ms; the certificate expires in {{ audit.certificate.days_to_expire | default('?') }} days"

- name: Before moving a store to a new proxy, prove that it fronts the same key material as the current one
  kms.xks.xks_proxy_health:
    xks_proxy_uri_endpoint: https://myproxy-new.xks.example.com
    xks_proxy_uri_path: /example-prefix/kms/xks/v1
    xks_proxy_authentication_credential:
      access_key_id: "{{ new_xks_access_key_id }}"
      raw_secret_access_key: "{{ new_xks_secret_access_key }}"
    region: us-east-1
    xks_key_ids: [bb8562717f809024]
    reference_proxy:
      uri_endpoint: https://myproxy.xks.example.com
      uri_path: /example-prefix/kms/xks/v1
      authentication_credential:
        access_key_id: "{{ xks_access_key_id }}"
        raw_secret_access_key: "{{ xks_secret_access_key }}"
  delegate_to: localhost

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
  description:
    - Whether the audit found nothing wrong. The proxy answered, at least one of its external key managers is available, its
      certificate has not expired, every one of O(xks_key_ids) is usable (and the same key material as on O(reference_proxy)),
      and the median latency is within KMS's 250 ms.
  returned: always
  type: bool
  sample: true
outcome:
  description:
    - The most severe finding, or V(healthy) when there is none.
    - V(certificate_expired) (the proxy's TLS certificate has expired) comes first.
    - Then the proxy's answer to C(GetHealthStatus). V(unhealthy) (every external key manager is C(UNAVAILABLE)),
      V(credential_rejected) (HTTP 401), V(access_denied) (HTTP 403), V(wrong_path) (HTTP 404), V(invalid_response) (an
      answer that breaks the XKS Proxy API), V(proxy_error) (another HTTP error), V(unreachable) (no connection),
      V(timed_out) (no answer within O(timeout)), or V(tls_error).
    - Then V(key_material_differs) (an external key is other key material than on O(reference_proxy)), V(key_unusable) (an
      external key KMS cannot use), V(key_material_unchecked) (the canary could not go through both proxies), and V(slow)
      (a median latency over 250 ms).
  returned: always
  type: str
  sample: healthy
findings:
  description: Everything the audit found wrong, most severe first, each with what to do and what KMS would report.
  returned: always
  type: list
  elements: dict
  contains:
    outcome:
      description: One of the values of RV(outcome) other than V(healthy).
      type: str
      returned: always
      sample: key_unusable
    message:
      description: What was found, what to do, and what KMS would report (exception, connection error code, CloudWatch metric).
      type: str
      returned: always
      sample: "1 of 2 external keys are not usable on the proxy: xks-key-2 (its status is DISABLED, and KMS needs ENABLED). ..."
msg:
  description:
    - What was found, in plain language. When something is wrong, every finding, with what to do and what KMS would report.
      Otherwise what was checked.
  returned: always
  type: str
  sample: >-
    The proxy at https://myproxy.xks.example.com/example-prefix/kms/xks/v1/health is healthy; 2 external keys usable;
    latency p50 14.9 ms, p95 21.4 ms over 5 calls; its TLS certificate expires in 211 days.
keys:
  description: One entry per O(xks_key_ids), in the same order.
  returned: when O(xks_key_ids) is given and the proxy answered C(GetHealthStatus)
  type: list
  elements: dict
  contains:
    id:
      description: The external key ID.
      type: str
      returned: always
      sample: xks-key-1
    key_spec:
      description: The C(keySpec) the proxy reports, or null when it reports none.
      type: str
      returned: always
      sample: AES_256
    key_usage:
      description: The C(keyUsage) the proxy reports, or null.
      type: list
      elements: str
      returned: always
      sample: [ENCRYPT, DECRYPT]
    key_status:
      description: The C(keyStatus) the proxy reports (C(ENABLED) or C(DISABLED)), or null.
      type: str
      returned: always
      sample: ENABLED
    usable:
      description: Whether KMS can use the key through this proxy (C(AES_256), C(ENABLED), C(ENCRYPT) and C(DECRYPT)).
      type: bool
      returned: always
      sample: true
    same_key_material:
      description:
        - Whether a canary encrypted on each of this proxy and O(reference_proxy) decrypts on the other.
        - Null when it could not be told (the key is not usable here, or a canary call failed; see RV(keys[].problem)).
      type: bool
      returned: when O(reference_proxy) is given
      sample: true
    problem:
      description: What is wrong, in plain words (not found, disabled, a usage missing, other key material, ...).
      type: str
      returned: when the key is not usable, or its key material is not proven the same
      sample: its status is DISABLED, and KMS needs ENABLED
latency_ms:
  description: How long the O(samples) calls of C(GetHealthStatus) took from this host, in milliseconds (nearest-rank percentiles).
  returned: when the proxy answered C(GetHealthStatus)
  type: dict
  contains:
    samples:
      description: How many calls were measured.
      type: int
      returned: always
      sample: 5
    min:
      description: The fastest call.
      type: float
      returned: always
      sample: 11.2
    p50:
      description: The median call.
      type: float
      returned: always
      sample: 14.9
    p95:
      description: The 95th percentile (with fewer than 20 samples, the slowest call).
      type: float
      returned: always
      sample: 21.4
    max:
      description: The slowest call.
      type: float
      returned: always
      sample: 21.4
certificate:
  description:
    - The TLS server certificate the proxy showed in the handshake. When verification refused it, it is read again in a
      handshake that verifies nothing, only to describe it.
  returned: when a TLS handshake with the proxy took place
  type: dict
  contains:
    subject:
      description: The certificate's subject (RFC 4514).
      type: str
      returned: always
      sample: CN=myproxy.xks.example.com
    issuer:
      description: The certificate's issuer (RFC 4514).
      type: str
      returned: always
      sample: CN=Example Public CA,O=Example
    not_after:
      description: The end of the certificate's validity (ISO 8601, UTC).
      type: str
      returned: always
      sample: "2027-06-30T12:00:00+00:00"
    days_to_expire:
      description: Whole days left until RV(certificate.not_after), rounded down; negative once expired. CloudWatch's C(XksProxyCertificateDaysToExpire).
      type: int
      returned: always
      sample: 211
url:
  description: The URL that was called.
  returned: always
  type: str
  sample: https://myproxy.xks.example.com/example-prefix/kms/xks/v1/health
elapsed_ms:
  description: How long the first call took from the host that ran the module, in milliseconds, connection and TLS handshake included.
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
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import audit_proxy
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import proxy_targets
from ansible_collections.kms.xks.plugins.module_utils._proxy.health import summary
from ansible_collections.kms.xks.plugins.module_utils._spec.proxy_health import reference_proxy_argument_spec
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
        xks_key_ids=dict(type="list", elements="str", no_log=False),
        reference_proxy=reference_proxy_argument_spec(),
        samples=dict(type="int", default=5),
        certificate_min_days=dict(type="int", default=30),
    )
    argument_spec.update(proxy_credential_argument_spec())
    # AnsibleXksModule adds the AWS options of group/kms.xks.aws (ignored here: no AWS call); region and validate_certs
    # are this module's own (the signing Region, required; the proxy's TLS check).
    module = AnsibleXksModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE,
        required_one_of=[["xks_proxy_uri_path", "xks_proxy_configuration_file"], ["xks_proxy_authentication_credential", "xks_proxy_configuration_file"]],
        required_by=dict(reference_proxy="xks_key_ids"),
    )
    # (AnsibleXksModule has already failed, naming them, if botocore or boto3 is missing.)
    uri_path, credential, errors = validate_health_options(module.params, module.add_secret)
    if errors:
        module.fail_json(msg=" ".join(errors))

    if not module.params["validate_certs"]:
        module.warn("validate_certs=false: the proxy's TLS certificate and host name are not verified (KMS always verifies them).")
    audit = audit_proxy(module.params, *proxy_targets(module.params, uri_path, credential))
    for warning in audit.warnings:
        module.warn(warning)
    findings = [dict(outcome=outcome, message=message) for outcome, message in audit.findings]
    if not audit.healthy and module.params["fail_on_unhealthy"]:
        module.fail_json(msg=summary(audit), findings=findings, **audit.report)
    module.exit_json(changed=False, msg=summary(audit), findings=findings, **audit.report)


if __name__ == "__main__":
    main()
