# -*- coding: utf-8 -*-
"""GetHealthStatus as KMS sends it, and how KMS reads the answer.

KMS POSTs `<endpoint><path>/health`, SigV4-signed (`kms-xks-proxy`, the key store's Region,
SignedHeaders host;x-amz-date), on port 443, with a hard time limit (spec: 250 ms). Each answer
maps to the exception Create/UpdateCustomKeyStore raise (XKS proxy spec, "KMS Considerations") and to
the ConnectionErrorCode a connect attempt ends with.
"""

import http.client
import json
import socket
import ssl
import time
import uuid
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "kms-xks-proxy"

UNREACHABLE = "XksProxyUriUnreachableException"
BAD_CREDENTIAL = "XksProxyIncorrectAuthenticationCredentialException"
BAD_RESPONSE = "XksProxyInvalidResponseException"
BAD_CONFIGURATION = "XksProxyInvalidConfigurationException"

# Proxy errorName -> (Create/Update exception, ConnectionErrorCode). The exceptions are the spec's
# table; the codes follow the ConnectionErrorCode docs. Names missing here count as malformed.
PROXY_ERRORS = {
    "ValidationException": (BAD_RESPONSE, "XKS_PROXY_INVALID_RESPONSE"),
    "AuthenticationFailedException": (BAD_CREDENTIAL, "INVALID_CREDENTIALS"),
    "InvalidUriPathException": (BAD_CONFIGURATION, "XKS_PROXY_INVALID_CONFIGURATION"),
    "DependencyTimeoutException": (UNREACHABLE, "XKS_PROXY_NOT_REACHABLE"),
    "ThrottlingException": (UNREACHABLE, "XKS_PROXY_NOT_REACHABLE"),
    "InternalException": (BAD_RESPONSE, "XKS_PROXY_INVALID_RESPONSE"),
    # Not allowed for GetHealthStatus by the spec; the code is the one KMS documents for "denied".
    "AccessDeniedException": (BAD_RESPONSE, "XKS_PROXY_ACCESS_DENIED"),
}
# A body without a usable errorName is read by its status code (the spec's error-code table).
STATUS_ERRORS = {400: "ValidationException", 401: "AuthenticationFailedException", 403: "AccessDeniedException",
                 404: "InvalidUriPathException", 429: "ThrottlingException", 500: "InternalException",
                 503: "DependencyTimeoutException"}
HEALTH_STATUSES = ("ACTIVE", "DEGRADED", "UNAVAILABLE")


# What KMS tells its caller, by cause: its own wording (troubleshooting guide, spec "KMS Considerations"),
# never the proxy's errorMessage, an address or a TLS library string.
MESSAGES = {
    "unreachable": "AWS KMS cannot communicate with the external key store proxy. Verify the XksProxyUriEndpoint "
                   "and XksProxyUriPath, and that the proxy is active and available on its network.",
    "tls": "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify its TLS certificate and configuration.",
    "timeout": "The external key store proxy did not respond in time.",
    "unavailable": "The external key store proxy reports that all external key manager instances are unavailable.",
    "malformed": "AWS KMS cannot interpret the response from the external key store proxy.",
    "ValidationException": "AWS KMS cannot interpret the response from the external key store proxy.",
    "AuthenticationFailedException": "The external key store proxy rejected the request because it could not authenticate AWS KMS. "
                                     "Verify the XksProxyAuthenticationCredential.",
    "InvalidUriPathException": "The external key store proxy rejected the request because of an invalid URI path. Verify the XksProxyUriPath.",
    "DependencyTimeoutException": "The external key store proxy did not respond to the request in the time allotted.",
    "ThrottlingException": "The external key store proxy rejected the request due to a very high request rate.",
    "InternalException": "The external key store proxy rejected the request because it cannot communicate with the external key manager.",
    "AccessDeniedException": "The external key store proxy denied access to the operation.",
}


class Outcome(object):
    """Result of one health check: `exception` and `code` are None when the proxy is healthy.

    `message` is what KMS says to its caller; `reason` is the test bed's own detail, for its log only.
    """

    def __init__(self, exception=None, code=None, reason="healthy", message=None):
        self.exception = exception
        self.code = code
        self.reason = reason
        self.message = message

    @property
    def healthy(self):
        return self.exception is None

    def __repr__(self):
        return "Outcome(%s, %s, %r)" % (self.exception, self.code, self.reason)


_CAUSE_OF_CODE = {"XKS_PROXY_NOT_REACHABLE": "unreachable", "XKS_PROXY_INVALID_TLS_CONFIGURATION": "tls", "XKS_PROXY_TIMED_OUT": "timeout"}


def _unreachable(code, reason, cause=None):
    return Outcome(UNREACHABLE, code, reason, MESSAGES[cause or _CAUSE_OF_CODE[code]])


def _malformed(reason):
    return Outcome(BAD_RESPONSE, "XKS_PROXY_INVALID_RESPONSE", reason, MESSAGES["malformed"])


def signed_headers(url, body, access_key_id, secret, region):
    """Headers of a health request; only Host and X-Amz-Date are signed, as KMS does."""
    request = AWSRequest(method="POST", url=url, data=body)
    SigV4Auth(Credentials(access_key_id, secret), SERVICE, region).add_auth(request)
    headers = dict(request.headers.items())
    headers["Content-Type"] = "application/json"
    return headers


def read_health_document(data):
    """Outcome of a 200 answer, checked against the shape the spec says MUST be present."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return _malformed("the health response is not JSON")
    if not isinstance(doc, dict):
        return _malformed("the health response is not a JSON object")
    size = doc.get("xksProxyFleetSize")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        return _malformed("xksProxyFleetSize must be an integer > 0")
    for name in ("xksProxyVendor", "xksProxyModel", "ekmVendor"):
        if not isinstance(doc.get(name), str):
            return _malformed("%s must be a string" % name)
    fleet = doc.get("ekmFleetDetails")
    if not isinstance(fleet, list) or not 1 <= len(fleet) <= 10:
        return _malformed("ekmFleetDetails must list 1 to 10 entries")
    for ekm in fleet:
        if not isinstance(ekm, dict) or not isinstance(ekm.get("id"), str) or not isinstance(ekm.get("model"), str) \
                or ekm.get("healthStatus") not in HEALTH_STATUSES:
            return _malformed("an ekmFleetDetails entry lacks id, model or a valid healthStatus")
    if all(ekm["healthStatus"] == "UNAVAILABLE" for ekm in fleet):
        return _unreachable("XKS_PROXY_NOT_REACHABLE", "every external key manager is UNAVAILABLE", "unavailable")
    return Outcome()


def read_error(status, data):
    """Outcome of a non-200 answer."""
    name = None
    try:
        doc = json.loads(data.decode("utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("errorName"), str):
            name = doc["errorName"]
    except (ValueError, UnicodeDecodeError):
        pass
    if name not in PROXY_ERRORS:
        name = STATUS_ERRORS.get(status)
    if name is None:
        return _malformed("HTTP %d without a known errorName" % status)
    exception, code = PROXY_ERRORS[name]
    return Outcome(exception, code, "the proxy answered %d %s" % (status, name), MESSAGES[name])


def check(endpoint, uri_path, access_key_id, secret, region, operation, settings, address=None):
    """Send one GetHealthStatus for KMS operation `operation` and classify the result.

    `address`: where to connect (a VPC endpoint service's target); by default the endpoint's host, resolved.
    """
    host = urlsplit(endpoint).hostname or ""
    address = address or settings.resolve(host)
    if address is None:
        return _unreachable("XKS_PROXY_NOT_REACHABLE", "cannot resolve %s (not in the test bed's host map)" % host)
    url = endpoint + uri_path + "/health"
    body = json.dumps({"requestMetadata": {"kmsRequestId": str(uuid.uuid4()), "kmsOperation": operation}}).encode("utf-8")
    headers = signed_headers(url, body, access_key_id, secret, region)
    deadline = time.monotonic() + settings.health_timeout_ms / 1000.0

    def remaining():
        return max(deadline - time.monotonic(), 0.001)

    try:
        raw = socket.create_connection((address, settings.proxy_port), timeout=remaining())
    except OSError as exc:
        return _unreachable("XKS_PROXY_NOT_REACHABLE", "TCP connect to %s:%d failed: %s" % (address, settings.proxy_port, exc))
    # http.client sends headers and body in two writes: without this, Nagle + delayed ACK add ~40 ms.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection = None
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        raw.settimeout(remaining())
        try:
            tls = context.wrap_socket(raw, server_hostname=host)
        except socket.timeout:
            return _unreachable("XKS_PROXY_TIMED_OUT", "TLS handshake timed out")
        except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
            return _unreachable("XKS_PROXY_INVALID_TLS_CONFIGURATION", "TLS handshake failed: %s" % exc)
        connection = http.client.HTTPSConnection(host, context=context)
        connection.sock = tls
        try:
            connection.request("POST", urlsplit(url).path, body=body, headers=headers)
            tls.settimeout(remaining())
            response = connection.getresponse()
            data = response.read()
        except socket.timeout:
            return _unreachable("XKS_PROXY_TIMED_OUT", "no answer within %d ms" % settings.health_timeout_ms)
        except (http.client.HTTPException, OSError) as exc:
            return _malformed("the proxy broke off the exchange: %s" % exc)
        if time.monotonic() > deadline:
            return _unreachable("XKS_PROXY_TIMED_OUT", "answer came after %d ms" % settings.health_timeout_ms)
        return read_health_document(data) if response.status == 200 else read_error(response.status, data)
    finally:
        if connection is not None:
            connection.close()
        raw.close()
