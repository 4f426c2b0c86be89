# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A client for the XKS Proxy API, called from the controller: one signed call for any operation.

It sends what KMS sends: POST <endpoint><path>/<operation path> (``health``, ``keys/<id>/metadata``,
``keys/<id>/encrypt``...) with the request metadata, signed with SigV4 for the service
``kms-xks-proxy`` by botocore's signer (XKS Proxy API spec, Appendix A), over ansible-core's HTTP
helper (``ansible.module_utils.urls``). Each answer carries its status, parsed JSON, elapsed time and
the server certificate of the TLS handshake. GetHealthStatus is built on it and sorts its answer into
outcomes a module can act on. The secret is used to sign and is never part of a result or message.
"""

import http.client
import json
import socket
import ssl
import time
import urllib.error
import uuid

try:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    HAS_BOTOCORE = True
except ImportError:
    HAS_BOTOCORE = False  # the modules report it

from ansible.module_utils.urls import Request
from ansible.module_utils.urls import getpeercert
from ansible.module_utils.urls import make_context

from ansible_collections.kms.xks.plugins.module_utils._proxy.certificate import describe_der

SIGNING_SERVICE = "kms-xks-proxy"
HEALTH = "health"
HEALTH_STATUSES = ("ACTIVE", "DEGRADED", "UNAVAILABLE")

# Outcomes. DEFINITE ones are answers that KMS would also reject a key store for.
HEALTHY = "healthy"
UNHEALTHY = "unhealthy"  # every external key manager UNAVAILABLE
CREDENTIAL_REJECTED = "credential_rejected"
ACCESS_DENIED = "access_denied"  # KMS reports XKS_PROXY_ACCESS_DENIED for it
WRONG_PATH = "wrong_path"
INVALID_RESPONSE = "invalid_response"
UNREACHABLE = "unreachable"
TIMED_OUT = "timed_out"
TLS_ERROR = "tls_error"
PROXY_ERROR = "proxy_error"
DEFINITE_FAILURES = (UNHEALTHY, CREDENTIAL_REJECTED, ACCESS_DENIED, WRONG_PATH, INVALID_RESPONSE)


class ProxyAnswer:
    """What the proxy answered: HTTP status, the parsed JSON body (None when it is not JSON), seconds taken, certificate."""

    def __init__(self, url, status, payload, elapsed, certificate):
        self.url = url
        self.status = status
        self.payload = payload
        self.elapsed = elapsed
        self.certificate = certificate


class ProxyUnreachableError(Exception):
    """No HTTP answer: the connection, TLS or the wait for the answer failed. ``outcome`` says which."""

    def __init__(self, outcome, message, elapsed):
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.elapsed = elapsed


class HealthResult:
    """The outcome of one GetHealthStatus call."""

    def __init__(self, outcome, message, status=None, body=None, elapsed=None, certificate=None):
        self.outcome = outcome
        self.message = message
        self.status = status
        self.body = body  # the parsed 200 answer, when there is one
        self.elapsed = elapsed
        self.certificate = certificate

    @property
    def healthy(self):
        return self.outcome == HEALTHY

    @property
    def definite_failure(self):
        return self.outcome in DEFINITE_FAILURES


class ProxyTarget:
    """One proxy as a caller reaches it: URI endpoint and path, credential, signing Region, and the TLS and timeout options."""

    def __init__(self, endpoint, uri_path, credential, region, timeout=10.0, ca_path=None, validate_certs=True):
        self.endpoint = endpoint
        self.uri_path = uri_path
        self.credential = credential
        self.region = region
        self.timeout = timeout
        self.ca_path = ca_path
        self.validate_certs = validate_certs

    def url(self, operation_path):
        return operation_url(self.endpoint, self.uri_path, operation_path)

    def call(self, operation_path, kms_operation, body=None):
        """call_proxy with this proxy's settings: a ProxyAnswer, or ProxyUnreachableError."""
        return call_proxy(self.endpoint, self.uri_path, operation_path, self.credential["access_key_id"], self.credential["raw_secret_access_key"],
                          self.region, kms_operation, body=body, timeout=self.timeout, ca_path=self.ca_path, validate_certs=self.validate_certs)


def operation_url(endpoint, uri_path, operation_path):
    return "%s%s/%s" % (endpoint.rstrip("/"), uri_path, operation_path)


def _signed_request(url, access_key_id, secret, region, kms_operation, body):
    # The body may bring more requestMetadata members (awsPrincipalArn...); the id and operation are always these.
    metadata = dict((body or {}).get("requestMetadata") or {}, kmsRequestId=str(uuid.uuid4()), kmsOperation=kms_operation)
    document = dict(body or {}, requestMetadata=metadata)
    request = AWSRequest(method="POST", url=url, data=json.dumps(document), headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key_id, secret), SIGNING_SERVICE, region).add_auth(request)
    return request.prepare()


def _tls_context(ca_path, validate_certs):
    # Without ca_path this trusts the system store, which honours SSL_CERT_FILE / SSL_CERT_DIR.
    context = make_context(cafile=ca_path, validate_certs=validate_certs)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _describe_certificate(response):
    """The certificate the server showed in this response's handshake (see certificate.describe_der), or None (not HTTPS)."""
    try:
        return describe_der(getpeercert(response, binary_form=True))
    except AttributeError:
        return None  # the connection is already closed


def _tls_failure_reason(error):
    """The reason of an ssl.SSLError, with the verifier's own words for a refused certificate (untrusted CA, wrong host name, expired)."""
    reason = getattr(error, "reason", None) or str(error)
    detail = getattr(error, "verify_message", None)
    return "%s (%s)" % (reason, detail) if detail else reason


def _no_answer(error, url, timeout, elapsed):
    """The ProxyUnreachableError for an exception of the transport (urllib wraps some in URLError)."""
    cause = error.reason if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException) else error
    if isinstance(cause, ssl.SSLError):
        return ProxyUnreachableError(TLS_ERROR, "TLS with the proxy at %s failed: %s." % (url, _tls_failure_reason(cause)), elapsed)
    if isinstance(cause, socket.timeout):
        return ProxyUnreachableError(TIMED_OUT, "The proxy at %s did not answer within %s seconds." % (url, timeout), elapsed)
    return ProxyUnreachableError(UNREACHABLE, "Cannot reach the proxy at %s: %s." % (url, getattr(cause, "strerror", None) or cause), elapsed)


def call_proxy(endpoint, uri_path, operation_path, access_key_id, secret, region, kms_operation, body=None, timeout=10.0, ca_path=None,
               validate_certs=True):
    """POST one signed XKS Proxy API request; returns a ProxyAnswer (any HTTP status) or raises ProxyUnreachableError."""
    url = operation_url(endpoint, uri_path, operation_path)
    prepared = _signed_request(url, access_key_id, secret, region, kms_operation, body)
    started = time.monotonic()
    try:
        try:
            response = Request().open(
                "POST", url, data=prepared.body, headers=dict(prepared.headers), timeout=timeout, use_proxy=False, use_netrc=False,
                follow_redirects="none", context=_tls_context(ca_path, validate_certs),
            )
        except urllib.error.HTTPError as e:
            response = e  # an error status is an answer too; its body says which error
        status = getattr(response, "status", None) or response.code
        certificate = _describe_certificate(response.fp if isinstance(response, urllib.error.HTTPError) else response)
        raw = response.read()
    except (OSError, http.client.HTTPException) as e:  # URLError, ssl.SSLError and socket.timeout are OSErrors
        raise _no_answer(e, url, timeout, time.monotonic() - started)
    elapsed = time.monotonic() - started
    try:
        payload = json.loads(raw.decode("utf-8"))
    except ValueError:
        payload = None
    return ProxyAnswer(url, status, payload, elapsed, certificate)


def _classify_error_status(status, payload, where):
    error_name = payload.get("errorName") if isinstance(payload, dict) else None
    if status == 401:
        message = "The proxy at %s rejected the credential (401 %s)." % (where, error_name or "AuthenticationFailedException")
        return CREDENTIAL_REJECTED, message
    if status == 403:
        message = "The proxy at %s denied access (403 %s); its authorization rules must permit KMS." % (where, error_name or "AccessDeniedException")
        return ACCESS_DENIED, message
    if status == 404:
        return WRONG_PATH, "The proxy at %s does not serve this URI path (404 %s)." % (where, error_name or "InvalidUriPathException")
    return PROXY_ERROR, "The proxy at %s answered HTTP %s%s." % (where, status, " (%s)" % error_name if error_name else "")


def _classify_health(payload, where):
    required = ("xksProxyFleetSize", "xksProxyVendor", "xksProxyModel", "ekmVendor", "ekmFleetDetails")
    missing = [key for key in required if not isinstance(payload, dict) or key not in payload]
    fleet = payload.get("ekmFleetDetails") if isinstance(payload, dict) else None
    if missing or not isinstance(fleet, list) or not fleet or any(not isinstance(ekm, dict) or ekm.get("healthStatus") not in HEALTH_STATUSES for ekm in fleet):
        detail = "missing %s" % ", ".join(missing) if missing else "ekmFleetDetails is not a list of key managers with a valid healthStatus"
        return INVALID_RESPONSE, "The proxy at %s sent a GetHealthStatus answer KMS cannot use (%s)." % (where, detail)
    if all(ekm["healthStatus"] == "UNAVAILABLE" for ekm in fleet):
        return UNHEALTHY, "The proxy at %s reports that all %d external key managers are UNAVAILABLE." % (where, len(fleet))
    return HEALTHY, "The proxy at %s is healthy." % where


def get_health_status(target, kms_operation="KmsHealthCheck"):
    """Call GetHealthStatus on the ProxyTarget ``target`` and return a HealthResult; network failures are outcomes, not exceptions."""
    try:
        answer = target.call(HEALTH, kms_operation)
    except ProxyUnreachableError as e:
        return HealthResult(e.outcome, e.message, elapsed=e.elapsed)
    if answer.status != 200:
        outcome, message = _classify_error_status(answer.status, answer.payload, answer.url)
    else:
        outcome, message = _classify_health(answer.payload, answer.url)
    body = answer.payload if outcome in (HEALTHY, UNHEALTHY) else None
    return HealthResult(outcome, message, answer.status, body, answer.elapsed, answer.certificate)
