# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What kms.xks.xks_proxy_health does with its checked options (_spec/proxy_health.py): ask the proxy's
GetHealthStatus once, and turn the HealthResult into a task result with advice a person can act on."""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.kms.xks.plugins.module_utils._proxy import client as proxy

# The client signs with botocore and imports it quietly; the module reports it missing.
HAS_BOTOCORE = proxy.HAS_BOTOCORE

# What to do about each outcome that is not healthy, and what KMS itself would report in that case
# (the exception of Create/UpdateCustomKeyStore / the ConnectionErrorCode of ConnectCustomKeyStore).
ADVICE = {
    proxy.UNHEALTHY: (
        "KMS refuses a proxy whose key managers are all unavailable: check the external key managers behind the proxy.",
        "XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE",
    ),
    proxy.CREDENTIAL_REJECTED: (
        "Check that the access key ID and secret are active on the proxy for this URI path, and that region is the Region "
        "of the key store: the proxy also rejects a signature made for another Region.",
        "XksProxyIncorrectAuthenticationCredentialException / INVALID_CREDENTIALS",
    ),
    proxy.ACCESS_DENIED: (
        "Change the proxy's authorization rules so that KMS may call it for this URI path.",
        "XKS_PROXY_ACCESS_DENIED (when connecting)",
    ),
    proxy.WRONG_PATH: (
        "Check xks_proxy_uri_path against the path prefix the proxy serves (it ends in /kms/xks/v1).",
        "XksProxyInvalidConfigurationException / XKS_PROXY_INVALID_CONFIGURATION",
    ),
    proxy.INVALID_RESPONSE: (
        "The answer does not follow the XKS Proxy API; report it to the proxy vendor.",
        "XksProxyInvalidResponseException / XKS_PROXY_INVALID_RESPONSE",
    ),
    proxy.PROXY_ERROR: (
        "The proxy failed to answer GetHealthStatus; see its logs (503 and 429 usually mean an overloaded proxy or key manager).",
        "XksProxyUriUnreachableException or XksProxyInvalidResponseException",
    ),
    proxy.UNREACHABLE: (
        "Check the host name in xks_proxy_uri_endpoint, that the proxy listens on port 443, and the network between this host "
        "and the proxy. A proxy behind a VPC endpoint service may only be reachable from inside that VPC: run the task there.",
        "XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE",
    ),
    proxy.TIMED_OUT: (
        "The proxy took the connection but did not answer in time: check its load and its key managers (KMS waits only 250 ms).",
        "XksProxyUriUnreachableException / XKS_PROXY_TIMED_OUT",
    ),
    proxy.TLS_ERROR: (
        "Check that the proxy serves TLS 1.2 or later with a certificate that matches the endpoint host name, has not expired and "
        "chains to a CA this host trusts (ca_path, or the system store). KMS also requires a CA from its trusted list.",
        "XksProxyUriUnreachableException / XKS_PROXY_INVALID_TLS_CONFIGURATION",
    ),
}


def check_proxy_health(params, uri_path, credential):
    """Call GetHealthStatus once; returns (HealthResult, task result without msg)."""
    result = proxy.get_health_status(
        params["xks_proxy_uri_endpoint"],
        uri_path,
        credential["access_key_id"],
        credential["raw_secret_access_key"],
        params["region"],
        timeout=params["timeout"],
        ca_file=params.get("ca_path"),
        validate_certs=params["validate_certs"],
        kms_operation=params["kms_operation"],
    )
    report = dict(
        healthy=result.healthy,
        outcome=result.outcome,
        url=proxy.health_url(params["xks_proxy_uri_endpoint"], uri_path),
        elapsed_ms=int(result.elapsed * 1000),
    )
    if result.status is not None:
        report["http_status"] = result.status
    if result.body is not None:
        report["health_status"] = camel_dict_to_snake_dict(result.body)
    return result, report


def explain(result):
    """The message for a HealthResult: the client's own, plus what to do and what KMS would say."""
    if result.healthy or result.outcome not in ADVICE:
        return result.message
    advice, kms_says = ADVICE[result.outcome]
    return "%s %s KMS would report: %s." % (result.message, advice, kms_says)


def key_managers_not_active(result):
    """'id STATUS' of each external key manager that is not ACTIVE in a healthy answer (some may be, while one is not UNAVAILABLE)."""
    if not result.healthy:
        return []
    return ["%s %s" % (ekm.get("id"), ekm["healthStatus"]) for ekm in result.body["ekmFleetDetails"] if ekm["healthStatus"] != "ACTIVE"]
