# -*- coding: utf-8 -*-
"""Default addresses, names and timings of the test bed (one place, so the CLI, the docs and the tests agree)."""

EMULATOR_HOST = "127.0.0.1"
PROXY_ADMIN_HOST = "127.0.0.1"
# 0: a free port, chosen at every start, so that several test beds can run on one machine.
EMULATOR_PORT = 0
PROXY_ADMIN_PORT = 0

# KMS only ever talks to port 443 (the API forbids a port in XksProxyUriEndpoint), so each proxy
# instance gets a loopback address of its own: the first free ones in this range, at every start
# (see sockets.py). One more is held with nothing listening: the unreachable endpoint.
PROXY_PORT = 443
PROXY_ADDRESS_FIRST = "127.0.0.11"
PROXY_ADDRESS_LAST = "127.0.255.254"

REGION = "us-east-1"
# moto's default account: any dummy credential maps to it.
ACCOUNT_ID = "123456789012"
# Another account, the owner of the test bed's cross-account VPC endpoint services.
OTHER_ACCOUNT_ID = "111122223333"
# The fleet, as a platform team runs one: these accounts, each with FLEET_ROLE_NAME, which the hub
# (the default account, whose dummy credentials any caller has) assumes with sts:AssumeRole; and
# these Regions, the first the default one. The proxies accept signatures for every fleet Region.
FLEET_ACCOUNTS = [ACCOUNT_ID, OTHER_ACCOUNT_ID, "444455556666", "777788889999"]
FLEET_REGIONS = [REGION, "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1"]
FLEET_ROLE_NAME = "kms-xks-automation"
DUMMY_AWS_ACCESS_KEY = "KMSXKSTESTBEDDUMMY"
DUMMY_AWS_SECRET_KEY = "kms-xks-testbed-dummy-aws-secret"

# Proxy instances, in the order they get addresses: name -> the URI path it serves at start, the
# key manager (EKM) behind it, and the host names the emulator resolves to its address. primary and
# secondary front the same EKM (a backup: same keys, same material); foreign fronts another one
# with the same key ids and other material.
PROXY_INSTANCES = {
    "primary": {"uri_path": "/primary/kms/xks/v1", "key_manager": "ekm-a", "hostnames": ["xks-proxy.test", "myproxy.xks.example.com"]},
    "secondary": {"uri_path": "/secondary/kms/xks/v1", "key_manager": "ekm-a",
                  "hostnames": ["xks-proxy-2.test", "myproxy-private.xks.example.com", "myproxy-new.xks.example.com"]},
    "foreign": {"uri_path": "/foreign/kms/xks/v1", "key_manager": "ekm-b", "hostnames": ["xks-proxy-foreign.test"]},
}

# The external keys every served path has unless told otherwise (GetKeyMetadata answers these).
# Material (AES-256) is per key manager and key id, generated at start.
DEFAULT_EXTERNAL_KEYS = [
    {"id": "xks-key-1", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"},
    {"id": "xks-key-2", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"},
    {"id": "xks-key-3", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "ENABLED"},
    {"id": "xks-encrypt-only", "key_spec": "AES_256", "key_usage": ["ENCRYPT"], "key_status": "ENABLED"},
    {"id": "xks-decrypt-only", "key_spec": "AES_256", "key_usage": ["DECRYPT"], "key_status": "ENABLED"},
    {"id": "xks-no-usage", "key_spec": "AES_256", "key_usage": ["SIGN", "VERIFY"], "key_status": "ENABLED"},
    {"id": "xks-disabled", "key_spec": "AES_256", "key_usage": ["ENCRYPT", "DECRYPT"], "key_status": "DISABLED"},
]

# Extra names the server certificate is valid for (not mapped to an address by default).
EXTRA_CERT_NAMES = ["*.xks.example.com", "localhost"]

# Spare credentials per instance: generated at start, not on the proxy (for rotation tests).
SPARE_CREDENTIALS = 2

# Seconds a connect / disconnect stays in CONNECTING / DISCONNECTING (real KMS: about five minutes).
CONNECT_DELAY = 1.0
DISCONNECT_DELAY = 1.0

# Time KMS allows the proxy for one call, in ms: the spec's 250 ms (README, "Timeouts", has the
# measurements on a loaded 2-core machine).
HEALTH_TIMEOUT_MS = 250
# The collection's own suites start their test beds with more headroom: on a 2-core CI machine
# that runs the suites in parallel lanes, a TLS handshake plus a request sometimes takes more than
# 250 ms, and a store that fails to connect for that reason breaks a test about something else.
# Tests of KMS's timeout itself set HEALTH_TIMEOUT_MS (or a slower proxy) explicitly.
SUITE_HEALTH_TIMEOUT_MS = 1000

# Seconds after UpdateCustomKeyStore during which KMS still calls the proxy with the old values and
# credential (real KMS: "up to five minutes"). 0: changes are effective at once.
CONSISTENCY_DELAY = 0.0

# Factor on KMS's request quotas (5 per second for each custom key store operation, ...): 1 is KMS's
# defaults, on like in KMS; 0 turns them off.
QUOTA_SCALE = 1.0

# How long `start` waits for both services to answer.
START_TIMEOUT = 30.0

# Custom key stores per account and Region (KMS quota).
STORE_QUOTA = 10
