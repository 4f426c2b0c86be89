# -*- coding: utf-8 -*-
"""The XKS Proxy API answers (XKS proxy spec v1.0.3): GetHealthStatus, errors, SigV4 checks, and the fault switches.

Transport (TLS, listeners, delays) lives in server.py; this module only turns a request into a reply.
"""

import json
import re
import time

from .sigv4 import SigV4Error, parse_authorization, verify
from .state import ERROR_STATUS

# `<uri_path>/health` or `<uri_path>/keys/<id>/<op>`, where uri_path ends in /kms/xks/v<N>.
_API_PATH = re.compile(r"^(?P<uri_path>(?:/[a-zA-Z0-9/_-]+)?/kms/xks/v\d{1,2})(?P<op>/health|/keys/[^/]+/(?:metadata|encrypt|decrypt))$")

VENDOR = "kms.xks test bed"
PROXY_MODEL = "testbed-xks-proxy 1.0"
EKM_MODEL = "soft-ekm 1.0"


class Reply(object):
    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


def json_reply(status, document):
    return Reply(status, json.dumps(document).encode("utf-8"), {"Content-Type": "application/json"})


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
    """kmsOperation and kmsRequestId for the request log; the proxy must not validate them (spec, GetHealthStatus)."""
    try:
        meta = json.loads(body.decode("utf-8")).get("requestMetadata") or {}
        return {"kms_operation": meta.get("kmsOperation"), "kms_request_id": meta.get("kmsRequestId")}
    except (ValueError, AttributeError, UnicodeDecodeError):
        return {"kms_operation": None, "kms_request_id": None}


def handle(state, instance_name, region, method, path, query, headers, body):
    """Answer one request to `instance_name`; returns (Reply, log entry). `headers` has lower-case names."""
    faults = state.faults(instance_name)
    entry = {"time": time.time(), "method": method, "path": path, "access_key_id": None, "signed_headers": None}
    entry.update(_request_metadata(body))
    try:
        entry["signed_headers"] = parse_authorization(headers.get("authorization"))["signed_headers"]
    except SigV4Error:
        pass

    def done(reply, note=None):
        entry["status"] = reply.status
        if note:
            entry["note"] = note
        return reply, entry

    if method != "POST":
        return done(Reply(405, b"", {"Allow": "POST"}))
    match = _API_PATH.match(path)
    secrets = state.secrets_for(instance_name, match.group("uri_path")) if match else None
    if faults["wrong_path"] or secrets is None:
        return done(error_reply("InvalidUriPathException", "No external key store is configured at this URI path"))
    try:
        entry["access_key_id"] = verify(method, path, query, headers, body, secrets, region)
    except SigV4Error as exc:
        return done(error_reply("AuthenticationFailedException", "Request authentication failed"), str(exc))
    if faults["error"]:
        return done(error_reply(faults["error"], "Fault injected by the test bed"))
    if match.group("op") != "/health":
        return done(error_reply("UnsupportedOperationException", "The test bed proxy implements GetHealthStatus only"))
    if faults["invalid_response"]:
        return done(Reply(200, b'{"xksProxyFleetSize": 1, "xksProxyVendor": ', {"Content-Type": "application/json"}))
    return done(json_reply(200, health_document(faults)))
