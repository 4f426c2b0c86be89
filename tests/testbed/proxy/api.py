# -*- coding: utf-8 -*-
"""The XKS Proxy API answers (XKS proxy spec v1.0.3): routing, SigV4, GetHealthStatus, the key operations, faults.

Transport (TLS, listeners, delays) lives in server.py; this module only turns a request into a reply.
"""

import json
import re
import time

from . import operations
from ..sigv4 import SigV4Error, parse_authorization, verify
from .state import ERROR_STATUS

# `<uri_path>/health` or `<uri_path>/keys/<id>/<op>`, where uri_path ends in /kms/xks/v<N>.
_API_PATH = re.compile(r"^(?P<uri_path>(?:/[a-zA-Z0-9/_-]+)?/kms/xks/v\d{1,2})"
                       r"(?:/(?P<health>health)|/keys/(?P<key_id>[^/]+)/(?P<key_op>metadata|encrypt|decrypt))$")

VENDOR = "kms.xks test bed"
PROXY_MODEL = "testbed-xks-proxy 1.0"
EKM_MODEL = "soft-ekm 1.0"

# XKS API name of each URI operation (for the request log).
XKS_OPERATIONS = {"health": "GetHealthStatus", "metadata": "GetKeyMetadata", "encrypt": "Encrypt", "decrypt": "Decrypt"}


class Reply(object):
    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def json_reply(status, document):
    # Single-line JSON: AWS's test client reads the last line of the answer as the body.
    return Reply(status, json.dumps(document, separators=(",", ":")).encode("utf-8"), {"Content-Type": "application/json"})


def error_reply(error_name, message):
    # errorMessage: printable ASCII, under 512 characters (spec, "Error codes").
    return json_reply(ERROR_STATUS[error_name], {"errorName": error_name, "errorMessage": message[:500]})


def health_document(faults):
    statuses = ["ACTIVE", "ACTIVE"]
    if faults.get("degraded"):
        statuses = ["UNAVAILABLE", "ACTIVE"]
    if faults.get("unhealthy"):
        statuses = ["UNAVAILABLE", "UNAVAILABLE"]
    return {
        "xksProxyFleetSize": 1,
        "xksProxyVendor": VENDOR,
        "xksProxyModel": PROXY_MODEL,
        "ekmVendor": VENDOR,
        "ekmFleetDetails": [{"id": "ekm-%d" % (i + 1), "model": EKM_MODEL, "healthStatus": s} for i, s in enumerate(statuses)],
    }


def _request_metadata(body):
    """kmsOperation and kmsRequestId for the request log (the spec asks the proxy to log them)."""
    try:
        meta = json.loads(body.decode("utf-8")).get("requestMetadata") or {}
        return {"kms_operation": meta.get("kmsOperation"), "kms_request_id": meta.get("kmsRequestId")}
    except (ValueError, AttributeError, UnicodeDecodeError):
        return {"kms_operation": None, "kms_request_id": None}


def _operation_of(match):
    return "health" if match.group("health") else match.group("key_op")


def _key_operation(state, instance_name, faults, match, body):
    """GetKeyMetadata, Encrypt or Decrypt, after authentication; returns the answer document or raises XksError.

    Order (what AWS's test client expects): request shape, then the key manager, then the key.
    """
    operation = match.group("key_op")
    request = operations.parse_request(operation, body)
    if operation == "encrypt":
        request = operations.encrypt_request(request)
    elif operation == "decrypt":
        request = operations.decrypt_request(request)
    if faults["unhealthy"]:
        raise operations.XksError("DependencyTimeoutException", "No external key manager is available")
    found = state.external_key(instance_name, match.group("uri_path"), match.group("key_id"))
    if found is None:
        raise operations.XksError("KeyNotFoundException", "The external key was not found in the key manager")
    key, material = found
    if operation == "metadata":
        return operations.get_key_metadata(key)
    if operation == "encrypt":
        return operations.encrypt(key, material, request)
    return operations.decrypt(key, material, request)


def _answer(state, instance_name, faults, match, body):
    if faults["error"]:
        return error_reply(faults["error"], "Fault injected by the test bed")
    if faults["invalid_response"]:
        return Reply(200, b'{"xksProxyFleetSize": 1, "xksProxyVendor": ', {"Content-Type": "application/json"})
    try:
        if match.group("health"):
            # The spec exempts GetHealthStatus from ValidationException; AWS's test client expects it (README).
            operations.parse_request("health", body)
            return json_reply(200, health_document(faults))
        return json_reply(200, _key_operation(state, instance_name, faults, match, body))
    except operations.XksError as exc:
        return error_reply(exc.error_name, exc.message)


def handle(state, instance_name, regions, method, path, query, headers, body):
    """Answer one request to `instance_name`; returns (Reply, log entry). `headers` has lower-case names."""
    faults = state.faults(instance_name)
    match = _API_PATH.match(path)
    entry = {"time": time.time(), "method": method, "path": path, "access_key_id": None, "signed_headers": None, "signing_region": None,
             "xks_operation": XKS_OPERATIONS[_operation_of(match)] if match else None,
             "external_key_id": match.group("key_id") if match else None}
    entry.update(_request_metadata(body))
    try:
        auth = parse_authorization(headers.get("authorization"))
        entry["signed_headers"], entry["signing_region"] = auth["signed_headers"], auth["region"]
    except SigV4Error:
        pass

    def done(reply, note=None):
        entry["status"] = reply.status
        if note:
            entry["note"] = note
        if reply.status != 200 and reply.body:
            entry.setdefault("error_name", json.loads(reply.body.decode("utf-8")).get("errorName"))
        return reply, entry

    if method != "POST":
        return done(Reply(405, b"", {"Allow": "POST"}))
    secrets = state.secrets_for(instance_name, match.group("uri_path")) if match else None
    if faults["wrong_path"] or secrets is None:
        return done(error_reply("InvalidUriPathException", "No external key store is configured at this URI path"))
    try:
        entry["access_key_id"] = verify(method, path, query, headers, body, secrets, regions)
    except SigV4Error as exc:
        return done(error_reply("AuthenticationFailedException", "Request authentication failed"), str(exc))
    return done(_answer(state, instance_name, faults, match, body))
