# -*- coding: utf-8 -*-
"""Armed faults of the KMS emulator: "the next N calls of operation X fail this way"."""

import threading

# Faults the HTTP layer applies before moto sees the request.
THROTTLE = "throttle"     # 400 ThrottlingException
INTERNAL = "internal"     # 500 KMSInternalException
DROP = "drop"             # the connection is closed without an answer
# Applied by ConnectCustomKeyStore: the attempt ends FAILED with `error_code`, whatever the proxy says.
CONNECT_FAILED = "connect_failed"

HTTP_FAULTS = (THROTTLE, INTERNAL, DROP)
KINDS = HTTP_FAULTS + (CONNECT_FAILED,)

CONNECTION_ERROR_CODES = (
    "INVALID_CREDENTIALS", "CLUSTER_NOT_FOUND", "NETWORK_ERRORS", "INTERNAL_ERROR", "INSUFFICIENT_CLOUDHSM_HSMS",
    "USER_LOCKED_OUT", "USER_NOT_FOUND", "USER_LOGGED_IN", "SUBNET_NOT_FOUND", "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
    "XKS_PROXY_ACCESS_DENIED", "XKS_PROXY_NOT_REACHABLE", "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    "XKS_PROXY_INVALID_RESPONSE", "XKS_PROXY_INVALID_CONFIGURATION", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    "XKS_PROXY_TIMED_OUT", "XKS_PROXY_INVALID_TLS_CONFIGURATION",
)


class FaultRegistry(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._armed = []

    def arm(self, operation, kind, count=1, error_code=None):
        """Make the next `count` calls of `operation` ("*" for any) fail with `kind`."""
        if not isinstance(operation, str) or not operation:
            raise ValueError("operation must be a KMS operation name such as CreateCustomKeyStore, or *")
        if kind not in KINDS:
            raise ValueError("fault must be one of: %s" % ", ".join(KINDS))
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be an integer >= 1")
        if kind == CONNECT_FAILED:
            if operation != "ConnectCustomKeyStore":
                raise ValueError("connect_failed applies to ConnectCustomKeyStore only")
            if error_code not in CONNECTION_ERROR_CODES:
                raise ValueError("error_code must be a ConnectionErrorCode")
        fault = {"operation": operation, "fault": kind, "remaining": count}
        if error_code is not None:
            fault["error_code"] = error_code
        with self._lock:
            self._armed.append(fault)
        return dict(fault)

    def take(self, operation, kinds):
        """Use up one armed fault of one of `kinds` matching `operation`; None if there is none."""
        with self._lock:
            for fault in self._armed:
                if fault["fault"] in kinds and fault["operation"] in (operation, "*"):
                    fault["remaining"] -= 1
                    if fault["remaining"] == 0:
                        self._armed.remove(fault)
                    return dict(fault)
        return None

    def list(self):
        with self._lock:
            return [dict(f) for f in self._armed]

    def clear(self):
        with self._lock:
            self._armed = []


FAULTS = FaultRegistry()
