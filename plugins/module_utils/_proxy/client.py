# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A client for the XKS Proxy API's GetHealthStatus, called from the controller.

It sends what KMS sends: POST <endpoint><path>/health with the request metadata, signed with SigV4
for the service ``kms-xks-proxy`` (XKS Proxy API spec, Appendix A), and sorts the answer into
outcomes a module can act on. The secret is used to sign and is never part of a result or message.
"""

import http.client
import json
import socket
import ssl
import uuid

try:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    HAS_BOTOCORE = True
except ImportError:
    HAS_BOTOCORE = False  # the modules report it

SIGNING_SERVICE = "kms-xks-proxy"
# KMS always calls the proxy on port 443: XksProxyUriEndpoint cannot carry a port.
PROXY_PORT = 443
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


class HealthResult:
    """The outcome of one GetHealthStatus call."""

    def __init__(self, outcome, message, status=None, body=None):
        self.outcome = outcome
        self.message = message
        self.status = status
        self.body = body  # the parsed 200 answer, when there is one

    @property
    def healthy(self):
        return self.outcome == HEALTHY

    @property
    def definite_failure(self):
        return self.outcome in DEFINITE_FAILURES


def health_url(endpoint, uri_path):
    return "%s%s/health" % (endpoint.rstrip("/"), uri_path)


def _signed_request(endpoint, uri_path, access_key_id, secret, region, kms_operation):
    body = json.dumps({"requestMetadata": {"kmsRequestId": str(uuid.uuid4()), "kmsOperation": kms_operation}})
    request = AWSRequest(method="POST", url=health_url(endpoint, uri_path), data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key_id, secret), SIGNING_SERVICE, region).add_auth(request)
    return request.prepare()


def _tls_context(ca_file, validate_certs):
    if not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    # Without ca_file this trusts the system store, which honours SSL_CERT_FILE / SSL_CERT_DIR.
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _classify_error_status(status, payload, where):
    error_name = payload.get("errorName") if isinstance(payload, dict) else None
    if status == 401:
        message = "The proxy at %s rejected the credential (401 %s)." % (where, error_name or "AuthenticationFailedException")
        return HealthResult(CREDENTIAL_REJECTED, message, status)
    if status == 403:
        message = "The proxy at %s denied access (403 %s); its authorization rules must permit KMS." % (where, error_name or "AccessDeniedException")
        return HealthResult(ACCESS_DENIED, message, status)
    if status == 404:
        return HealthResult(WRONG_PATH, "The proxy at %s does not serve this URI path (404 %s)." % (where, error_name or "InvalidUriPathException"), status)
    return HealthResult(PROXY_ERROR, "The proxy at %s answered HTTP %s%s." % (where, status, " (%s)" % error_name if error_name else ""), status)


def _classify_answer(payload, where):
    required = ("xksProxyFleetSize", "xksProxyVendor", "xksProxyModel", "ekmVendor", "ekmFleetDetails")
    missing = [key for key in required if not isinstance(payload, dict) or key not in payload]
    fleet = payload.get("ekmFleetDetails") if isinstance(payload, dict) else None
    if missing or not isinstance(fleet, list) or not fleet or any(not isinstance(ekm, dict) or ekm.get("healthStatus") not in HEALTH_STATUSES for ekm in fleet):
        detail = "missing %s" % ", ".join(missing) if missing else "ekmFleetDetails is not a list of key managers with a valid healthStatus"
        return HealthResult(INVALID_RESPONSE, "The proxy at %s sent a GetHealthStatus answer KMS cannot use (%s)." % (where, detail), 200)
    if all(ekm["healthStatus"] == "UNAVAILABLE" for ekm in fleet):
        return HealthResult(UNHEALTHY, "The proxy at %s reports that all %d external key managers are UNAVAILABLE." % (where, len(fleet)), 200, payload)
    return HealthResult(HEALTHY, "The proxy at %s is healthy." % where, 200, payload)


def _tls_failure_reason(error):
    """The reason of an ssl.SSLError, with the verifier's own words for a refused certificate (untrusted CA, wrong host name, expired)."""
    reason = getattr(error, "reason", None) or str(error)
    detail = getattr(error, "verify_message", None)
    return "%s (%s)" % (reason, detail) if detail else reason


def get_health_status(endpoint, uri_path, access_key_id, secret, region, timeout=10.0, ca_file=None, validate_certs=True, kms_operation="KmsHealthCheck"):
    """Call GetHealthStatus and return a HealthResult; network failures are outcomes, not exceptions."""
    prepared = _signed_request(endpoint, uri_path, access_key_id, secret, region, kms_operation)
    host = endpoint.split("://", 1)[-1].rstrip("/")
    where = health_url(endpoint, uri_path)
    connection = http.client.HTTPSConnection(host, PROXY_PORT, timeout=timeout, context=_tls_context(ca_file, validate_certs))
    try:
        connection.request("POST", "%s/health" % uri_path, body=prepared.body, headers=dict(prepared.headers))
        response = connection.getresponse()
        status, raw = response.status, response.read()
    except ssl.SSLError as e:
        return HealthResult(TLS_ERROR, "TLS with the proxy at %s failed: %s." % (where, _tls_failure_reason(e)))
    except socket.timeout:
        return HealthResult(TIMED_OUT, "The proxy at %s did not answer within %s seconds." % (where, timeout))
    except (OSError, http.client.HTTPException) as e:
        return HealthResult(UNREACHABLE, "Cannot reach the proxy at %s: %s." % (where, getattr(e, "strerror", None) or e))
    finally:
        connection.close()
    try:
        payload = json.loads(raw.decode("utf-8"))
    except ValueError:
        payload = None
    if status != 200:
        return _classify_error_status(status, payload, where)
    return _classify_answer(payload, where)
