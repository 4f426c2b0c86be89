# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What kms.xks.xks_proxy_health does with its checked options (_spec/proxy_health.py): ask the proxy's
GetHealthStatus (``samples`` times, for its latency), describe its TLS certificate, audit the external
keys it is given (and their key material against a reference proxy), and turn what was found into a
task result: findings by severity, each with advice a person can act on and what KMS would report."""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.kms.xks.plugins.module_utils._proxy import certificate as tls_certificate
from ansible_collections.kms.xks.plugins.module_utils._proxy import client as proxy
from ansible_collections.kms.xks.plugins.module_utils._proxy import latency
from ansible_collections.kms.xks.plugins.module_utils._proxy.key_audit import audit_keys

# The audit's own outcomes, beyond GetHealthStatus's (client.py).
CERTIFICATE_EXPIRED = "certificate_expired"
KEY_MATERIAL_DIFFERS = "key_material_differs"
KEY_UNUSABLE = "key_unusable"
KEY_MATERIAL_UNCHECKED = "key_material_unchecked"
SLOW = "slow"
# Most severe first: the outcome of a run is its first finding in this order. An expired certificate cuts KMS off
# whatever the proxy answers; GetHealthStatus's own outcomes (client.py) come next, then the rest.
AUDIT_OUTCOMES = (CERTIFICATE_EXPIRED, None, KEY_MATERIAL_DIFFERS, KEY_UNUSABLE, KEY_MATERIAL_UNCHECKED, SLOW)

# What to do about each outcome that is not healthy, and what KMS itself would report in that case
# (the exception of Create/UpdateCustomKeyStore / the ConnectionErrorCode of ConnectCustomKeyStore, the exception
# of a cryptographic call, the CloudWatch metric that shows it).
ADVICE = {
    proxy.UNHEALTHY: (
        "KMS refuses a proxy whose key managers are all unavailable: check the external key managers behind the proxy.",
        "XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE; CloudWatch XksExternalKeyManagerStates counts them as Unavailable",
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
    CERTIFICATE_EXPIRED: (
        "Renew the proxy's TLS certificate now: every KMS key in a key store on this proxy is unusable until then.",
        "XKS_PROXY_INVALID_TLS_CONFIGURATION when connecting, KMSInvalidStateException on every cryptographic call; CloudWatch "
        "XksProxyCertificateDaysToExpire reaches 0",
    ),
    KEY_MATERIAL_DIFFERS: (
        "Do not move a key store to this proxy: it does not front the same key manager as the reference proxy, and ciphertext made "
        "under these keys through the reference proxy would not decrypt (unrecoverable while the store uses this proxy).",
        "KMSInvalidStateException on Decrypt of earlier ciphertext (the proxy answers InvalidCiphertextException); CloudWatch XksProxyErrors",
    ),
    KEY_UNUSABLE: (
        "Fix each external key in the key manager behind the proxy (create it, enable it, give it ENCRYPT and DECRYPT usage, AES_256): "
        "KMS key state and external key status are independent, and both must be enabled.",
        "XksKeyNotFoundException / XksKeyInvalidConfigurationException on CreateKey, KMSInvalidStateException on cryptographic calls with "
        "its KMS key; CloudWatch XksProxyErrors",
    ),
    KEY_MATERIAL_UNCHECKED: (
        "The canary did not go through both proxies, so nothing is proven about the key material: fix what the key's problem says "
        "and run the audit again before any move.",
        None,
    ),
    SLOW: (
        "Bring the proxy's answers under 250 ms from the AWS Region of the key store: its load, its key managers, the network in between "
        "(the spec recommends at most 35 ms of round trip).",
        "XKS_PROXY_TIMED_OUT when connecting, KMSInvalidStateException on cryptographic calls that time out; CloudWatch XksProxyLatency "
        "(a timeout counts as 250) and XksProxyErrors",
    ),
}


def proxy_targets(params, uri_path, credential):
    """(the proxy under test, the reference proxy or None) as ProxyTargets, with the task's Region, TLS options and timeout."""
    tls = dict(timeout=params["timeout"], ca_path=params.get("ca_path"), validate_certs=params["validate_certs"])
    target = proxy.ProxyTarget(params["xks_proxy_uri_endpoint"], uri_path, credential, params["region"], **tls)
    reference = params.get("reference_proxy")
    if not reference:
        return target, None
    return target, proxy.ProxyTarget(reference["uri_endpoint"], reference["uri_path"], reference["authentication_credential"], params["region"], **tls)


class Audit:
    """What the audit found: the task result without msg (``report``), the findings as (outcome, message) pairs, and warnings."""

    def __init__(self, report):
        self.report = report
        self.findings = []
        self.warnings = []

    def add(self, finding, warning, outcome):
        if finding:
            self.findings.append((outcome, advised(outcome, finding)))
        if warning:
            self.warnings.append(warning)

    @property
    def healthy(self):
        return not self.findings

    def rank(self):
        """Put the findings most severe first (AUDIT_OUTCOMES), keeping the order they were found in within one outcome."""
        self.findings.sort(key=lambda finding: AUDIT_OUTCOMES.index(finding[0] if finding[0] in AUDIT_OUTCOMES else None))

    @property
    def outcome(self):
        return self.findings[0][0] if self.findings else proxy.HEALTHY


def advised(outcome, message):
    """``message`` with what to do about ``outcome`` and what KMS would report."""
    advice, kms_says = ADVICE[outcome]
    return "%s %s%s" % (message, advice, " KMS would report: %s." % kms_says if kms_says else "")


def health_report(target, result):
    """The task result of the first GetHealthStatus call (without msg)."""
    report = dict(url=target.url(proxy.HEALTH), elapsed_ms=int(result.elapsed * 1000))
    if result.status is not None:
        report["http_status"] = result.status
    if result.body is not None:
        report["health_status"] = camel_dict_to_snake_dict(result.body)
    return report


def _check_certificate(audit, target, result, min_days):
    described = result.certificate
    if described is None and result.outcome == proxy.TLS_ERROR:
        described = tls_certificate.read_unverified(target.endpoint, target.timeout)  # to say why verification refused it
    if described is not None:
        audit.report["certificate"] = described
        audit.add(*tls_certificate.judge(described, min_days), outcome=CERTIFICATE_EXPIRED)


def _check_latency(audit, target, result, samples, kms_operation):
    results = [result] + [proxy.get_health_status(target, kms_operation) for _sample in range(samples - 1)]
    summary = latency.summarize([each.elapsed for each in results])
    audit.report["latency_ms"] = summary
    audit.add(*latency.judge(summary), outcome=SLOW)
    failed = [each for each in results if each.outcome not in (proxy.HEALTHY, proxy.UNHEALTHY)]
    if failed:
        audit.warnings.append("%d of the %d GetHealthStatus calls got no valid answer; the first: %s" % (len(failed), samples, failed[0].message))


def _named(entries):
    return ", ".join("%s (%s)" % (entry["id"], entry["problem"]) for entry in entries)


def _check_keys(audit, target, xks_key_ids, reference):
    entries = audit_keys(target, xks_key_ids, reference)
    audit.report["keys"] = entries
    unusable = [entry for entry in entries if not entry["usable"]]
    differs = [entry for entry in entries if entry.get("same_key_material") is False]
    unchecked = [entry for entry in entries if entry["usable"] and reference is not None and entry["same_key_material"] is None]
    if unusable:
        audit.add("%d of %d external keys are not usable on the proxy: %s." % (len(unusable), len(entries), _named(unusable)), None, KEY_UNUSABLE)
    if differs:
        audit.add("%d of %d external keys are not the same key material on the proxy as on the reference proxy at %s%s: %s."
                  % (len(differs), len(entries), reference.endpoint, reference.uri_path, _named(differs)), None, KEY_MATERIAL_DIFFERS)
    if unchecked:
        audit.add("The key material of %d external keys could not be compared: %s." % (len(unchecked), _named(unchecked)), None, KEY_MATERIAL_UNCHECKED)


def audit_proxy(params, target, reference=None):
    """Run every check the options ask for on the ProxyTarget ``target``; returns an Audit."""
    first = proxy.get_health_status(target, params["kms_operation"])
    audit = Audit(health_report(target, first))
    if not first.healthy:
        audit.findings.append((first.outcome, explain(first)))
    _check_certificate(audit, target, first, params["certificate_min_days"])
    if first.outcome in (proxy.HEALTHY, proxy.UNHEALTHY):  # the proxy answers the API: measure it, and ask about the keys
        _check_latency(audit, target, first, params["samples"], params["kms_operation"])
        if params.get("xks_key_ids"):
            _check_keys(audit, target, params["xks_key_ids"], reference)
    audit.rank()
    audit.report.update(healthy=audit.healthy, outcome=audit.outcome)
    audit.warnings.extend(key_managers_not_active(first))
    return audit


def summary(audit):
    """The msg of a run: every finding, or what was checked and found right."""
    if audit.findings:
        return " ".join(message for _outcome, message in audit.findings)
    report = audit.report
    said = ["The proxy at %s is healthy" % report["url"]]
    if "keys" in report:
        keys = report["keys"]
        compared = keys and "same_key_material" in keys[0]
        said.append("%d external keys usable%s" % (len(keys), ", with the same key material as the reference proxy" if compared else ""))
    if "latency_ms" in report:
        said.append("latency p50 %s ms, p95 %s ms over %d calls" % (report["latency_ms"]["p50"], report["latency_ms"]["p95"], report["latency_ms"]["samples"]))
    if "certificate" in report:
        said.append("its TLS certificate expires in %d days" % report["certificate"]["days_to_expire"])
    return "%s." % "; ".join(said)


def explain(result):
    """The message for a HealthResult: the client's own, plus what to do and what KMS would say."""
    if result.healthy or result.outcome not in ADVICE:
        return result.message
    return advised(result.outcome, result.message)


def key_managers_not_active(result):
    """The warning about the external key managers that are not ACTIVE in a healthy answer (some may be, while one is not
    UNAVAILABLE), as a list of at most one."""
    if not result.healthy:
        return []
    not_active = ["%s %s" % (ekm.get("id"), ekm["healthStatus"]) for ekm in result.body["ekmFleetDetails"] if ekm["healthStatus"] != "ACTIVE"]
    if not not_active:
        return []
    return ["Some external key managers behind the proxy are not ACTIVE: %s (CloudWatch XksExternalKeyManagerStates counts them)." % ", ".join(not_active)]
