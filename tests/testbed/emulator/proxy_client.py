# -*- coding: utf-8 -*-
"""The key operations KMS sends an XKS proxy (GetKeyMetadata, Encrypt, Decrypt), and how KMS reads the answers.

exchange() is the one transport of every emulator->proxy call (health.py's GetHealthStatus too): a
SigV4-signed POST (`kms-xks-proxy`, the store's Region and credential), on port 443 of the resolved
address, TLS 1.2+ trusting only the test CA, within the time KMS allows one proxy call (the emulator's `health_timeout_ms`; spec: 250 ms). A failure is a
ProxyFailure whose `cause` is the spec's errorName or one of the transport causes below; callers turn
it into the KMS exception of their operation, always with the message of the spec's "KMS
Considerations" table (MESSAGES). The proxy's errorMessage is never passed on (spec: KMS only logs it).
"""

import http.client
import json
import socket
import ssl
import sys
import time
from urllib.parse import urlsplit

from ..sigv4 import proxy_request_headers

# Transport causes (no errorName involved).
NO_TCP = "no-tcp"
NO_TLS = "no-tls"
TIMED_OUT = "timed-out"
MALFORMED = "malformed"
# KMS's own checks of a Decrypt answer: the plaintext did not open KMS's inner layer.
BAD_INNER_CIPHERTEXT = "bad-inner-ciphertext"
# The key's store is not CONNECTED: KMS sends nothing.
NOT_CONNECTED = "not-connected"

# errorNames of the spec's error table; any other name, or a body without one, is malformed.
ERROR_NAMES = ("ValidationException", "InvalidStateException", "InvalidCiphertextException", "InvalidKeyUsageException",
               "AuthenticationFailedException", "AccessDeniedException", "KeyNotFoundException", "InvalidUriPathException",
               "ThrottlingException", "UnsupportedOperationException", "DependencyTimeoutException", "InternalException")

_INTERPRET = ("AWS KMS cannot interpret the response from the external key store proxy. If you see this error "
              "repeatedly, report it to your external key store proxy administrator.")
MESSAGES = {
    "ValidationException": _INTERPRET,
    MALFORMED: _INTERPRET,
    "InvalidStateException": (
        "The external key associated with this KMS key in an external key store is not enabled in the external key "
        "manager. Enable the external key in the external key manager and retry the request."),
    "InvalidCiphertextException": (
        "The external key store proxy rejected the request because the specified ciphertext or encryption context is "
        "corrupted, missing, or otherwise invalid."),
    BAD_INNER_CIPHERTEXT: (
        "The ciphertext that the external key store proxy submitted for decryption, or the encryption context, is "
        "corrupted, missing, or otherwise invalid."),
    "InvalidKeyUsageException": (
        "The external key associated with this KMS key in an external key store does not support the requested "
        "operation. Enable the operation on the key in your external key manager, and try the request again."),
    "AuthenticationFailedException": (
        "The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the XKS "
        "proxy authentication credentials for your external key store and update if necessary."),
    "AccessDeniedException": (
        "The external key store proxy denied access to the operation. Verify that the user and the external key are "
        "both authorized for this operation, and try the request again."),
    "KeyNotFoundException": (
        "The external key associated with this KMS key in an external key store was not found in its external key "
        "manager. If the external key ID associated with this KMS key is incorrect, create a new KMS key with the "
        "correct external key ID."),
    "InvalidUriPathException": (
        "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for "
        "your external key store and update if necessary."),
    "UnsupportedOperationException": (
        "The external key store proxy rejected the request because it does not support the requested operation. If "
        "you see this error repeatedly, report it to your external key store proxy administrator."),
    "DependencyTimeoutException": (
        "The external key store proxy did not respond to the request in the time allotted. Retry the request. If you "
        "see this error repeatedly, report it to your external key store proxy administrator."),
    "ThrottlingException": (
        "The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of "
        "your calls using KMS keys in this external key store."),
    "InternalException": (
        "The external key store proxy rejected the request because it cannot communicate with the external key "
        "manager. Verify that the external key store proxy configuration is correct and that the external key "
        "manager is available."),
    NO_TCP: (
        "AWS KMS cannot communicate with the external key store proxy. This might be a transient network issue. If "
        "you see this error repeatedly, verify that your external key store proxy is active and is connected to the "
        "network, and that its endpoint URI is correct in your external keystore."),
    NO_TLS: ("AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS "
             "configuration, including its certificate."),
    TIMED_OUT: (
        "AWS KMS rejected the request because the external key store proxy did not respond in time. Retry the "
        "request. If you see this error repeatedly, report it to your external key store proxy administrator."),
    NOT_CONNECTED: (
        "This KMS key is in a custom key store that is not connected to its external key store proxy. Connect the "
        "external key store and try the request again."),
}


class ProxyFailure(Exception):
    """A proxy call that did not give a usable answer; `cause` is a key of MESSAGES."""

    def __init__(self, cause):
        super().__init__(cause)
        self.cause = cause

    @property
    def message(self):
        return MESSAGES[self.cause]


class Reply(object):
    """What came back from one exchange: an HTTP status and body, or a transport failure cause.

    `reason` is the test bed's own detail (addresses, TLS library text): for its log, never for a KMS caller.
    """

    def __init__(self, status=None, body=b"", failure=None, reason=""):
        self.status = status
        self.body = body
        self.failure = failure
        self.reason = reason


def exchange(endpoint, path, document, access_key_id, secret, region, settings, address=None):
    """POST `document` (JSON) to `endpoint` + `path` the way KMS does; returns a Reply, never raises.

    `address`: where to connect (a VPC endpoint service's target); by default the endpoint's host, resolved.
    """
    host = urlsplit(endpoint).hostname or ""
    address = address or settings.resolve(host)
    if address is None:
        return Reply(failure=NO_TCP, reason="cannot resolve %s (not in the test bed's host map)" % host)
    url = endpoint + path
    body = json.dumps(document).encode("utf-8")
    headers = proxy_request_headers(url, body, access_key_id, secret, region)
    timeout_ms = settings.health_timeout_ms
    deadline = time.monotonic() + timeout_ms / 1000.0

    def remaining():
        return max(deadline - time.monotonic(), 0.001)

    try:
        raw = socket.create_connection((address, settings.proxy_port), timeout=remaining())
    except OSError as exc:
        return Reply(failure=NO_TCP, reason="TCP connect to %s:%d failed: %s" % (address, settings.proxy_port, exc))
    # http.client writes headers and body separately: without this, Nagle + delayed ACK add ~40 ms.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection = None
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        raw.settimeout(remaining())
        try:
            tls = context.wrap_socket(raw, server_hostname=host)
        except socket.timeout:
            return Reply(failure=TIMED_OUT, reason="TLS handshake timed out")
        except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
            return Reply(failure=NO_TLS, reason="TLS handshake failed: %s" % exc)
        connection = http.client.HTTPSConnection(host, context=context)
        connection.sock = tls
        try:
            connection.request("POST", urlsplit(url).path, body=body, headers=headers)
            tls.settimeout(remaining())
            response = connection.getresponse()
            data = response.read()
        except socket.timeout:
            return Reply(failure=TIMED_OUT, reason="no answer within %d ms" % timeout_ms)
        except (http.client.HTTPException, OSError) as exc:
            return Reply(failure=MALFORMED, reason="the proxy broke off the exchange: %s" % exc)
        if time.monotonic() > deadline:
            return Reply(failure=TIMED_OUT, reason="answer came after %d ms" % timeout_ms)
        return Reply(response.status, data)
    finally:
        if connection is not None:
            connection.close()
        raw.close()


def answer_document(reply):
    """The JSON object of a 200 answer; raises ProxyFailure with the cause of anything else."""
    if reply.failure:
        raise ProxyFailure(reply.failure)
    document = _json_object(reply.body)
    if reply.status == 200:
        if document is None:
            raise ProxyFailure(MALFORMED)
        return document
    name = document.get("errorName") if document is not None else None
    # Spec: an error without a JSON body naming a known error gets KMS's generic "cannot interpret" message.
    raise ProxyFailure(name if name in ERROR_NAMES else MALFORMED)


def _json_object(data):
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None


class KeyCall(object):
    """Who asks and why: the requestMetadata of one KMS request (one kmsRequestId for all its proxy calls)."""

    def __init__(self, kms_operation, kms_request_id, principal_arn):
        self.kms_operation = kms_operation
        self.kms_request_id = kms_request_id
        self.principal_arn = principal_arn

    def metadata(self, key_arn=None):
        metadata = {"awsPrincipalArn": self.principal_arn, "kmsOperation": self.kms_operation,
                    "kmsRequestId": self.kms_request_id}
        if key_arn is not None:
            metadata["kmsKeyArn"] = key_arn
        return metadata


def key_operation(target, xks_key_id, operation, call, fields=None, key_arn=None):
    """POST <path>/keys/<xks_key_id>/<operation> to a Target; the 200 document or ProxyFailure."""
    document = {"requestMetadata": call.metadata(key_arn)}
    document.update(fields or {})
    proxy = target.proxy
    path = "%s/keys/%s/%s" % (proxy.uri_path, xks_key_id, operation)
    reply = exchange(proxy.endpoint, path, document, proxy.access_key_id, proxy.secret, target.region, target.settings, target.address)
    if reply.failure:
        sys.stderr.write("testbed: %s %s of external key %s failed: %s\n" % (call.kms_operation, operation, xks_key_id, reply.reason))
    return answer_document(reply)


class Target(object):
    """Where KMS sends a store's key operations: its ProxySettings in effect, the Region, the emulator's
    settings, and the connect address (a VPC endpoint service's target, else None: resolve the host)."""

    def __init__(self, proxy, region, settings, address=None):
        self.proxy = proxy
        self.region = region
        self.settings = settings
        self.address = address
