# -*- coding: utf-8 -*-
"""KMS's request quotas, per account and Region: past one, KMS answers ThrottlingException.

Developer Guide, "Request quotas" (requests per second, each quota counted separately):
- each custom key store operation (Create, Describe, Update, Connect, Disconnect, Delete): 5;
- cryptographic operations with symmetric keys, shared by Decrypt, Encrypt, GenerateDataKey,
  GenerateDataKeyWithoutPlaintext, GenerateMac, GenerateRandom, ReEncrypt, VerifyMac: 10,000 (higher
  in some Regions; the test bed cannot serve that many anyway);
- on top of that, keys in an external key store: 1,800 per key store (the "custom key store request
  quota"; the spec: "The default TPS limit for external key stores is 1800"). The XKS key code calls
  `QUOTAS.allow_in_store(account, region, store_id)` for each crypto request on a key in a store.

A quota of N per second is a sliding one-second window: a request is throttled when N requests of the
same quota already arrived in the second before it. Throttled requests do not count. The
`quota_scale` setting multiplies every quota (0 turns them off).
"""

import collections
import threading
import time

from .settings import SETTINGS

CUSTOM_KEY_STORE_OPERATIONS = ("CreateCustomKeyStore", "DescribeCustomKeyStores", "UpdateCustomKeyStore",
                               "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DeleteCustomKeyStore")
SYMMETRIC_CRYPTO_OPERATIONS = ("Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
                               "GenerateRandom", "ReEncrypt", "VerifyMac")
CUSTOM_KEY_STORE_RATE = 5
SYMMETRIC_CRYPTO_RATE = 10000
EXTERNAL_KEY_STORE_RATE = 1800

WINDOW = 1.0


def request_quota(operation):
    """(quota name, requests per second) that `operation` counts against, or None."""
    if operation in CUSTOM_KEY_STORE_OPERATIONS:
        return operation, CUSTOM_KEY_STORE_RATE
    if operation in SYMMETRIC_CRYPTO_OPERATIONS:
        return "CryptographicOperationsSymmetric", SYMMETRIC_CRYPTO_RATE
    return None


class RequestQuotas(object):
    """`scale()` gives the factor applied to every quota at the time of a request."""

    def __init__(self, scale):
        self._lock = threading.Lock()
        self._arrivals = {}
        self.scale = scale

    def _allow(self, key, rate, now=None):
        limit = rate * self.scale()
        if limit <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            arrivals = self._arrivals.setdefault(key, collections.deque())
            while arrivals and arrivals[0] <= now - WINDOW:
                arrivals.popleft()
            if len(arrivals) >= limit:
                return False
            arrivals.append(now)
            return True

    def allow(self, account, region, operation, now=None):
        """Whether KMS serves this request of `operation` now (False: ThrottlingException)."""
        quota = request_quota(operation)
        if quota is None:
            return True
        name, rate = quota
        return self._allow((account, region, name), rate, now)

    def allow_in_store(self, account, region, store_id, now=None):
        """Whether a crypto request on a key in external key store `store_id` is within the store's quota."""
        return self._allow((account, region, "ExternalKeyStore", store_id), EXTERNAL_KEY_STORE_RATE, now)

    def clear(self):
        with self._lock:
            self._arrivals = {}


QUOTAS = RequestQuotas(lambda: SETTINGS.quota_scale)
