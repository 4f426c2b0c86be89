# -*- coding: utf-8 -*-
"""The test bed's own VPC endpoint services, and what KMS checks about one (create, update, connect).

There is no EC2 behind the emulator: the services are a registry configured at start (the launcher
lists them in testbed.json under `xks_vpc_endpoint_services`, one valid service and one per failure
mode) and changeable through the admin settings. Each registered service forwards to a proxy
instance's loopback address, so a VPC store's health checks reach the proxy like a public store's.

KMS's requirements (Developer Guide, "Requirements for VPC endpoint service connectivity", and the
ConnectionErrorCode / exception docs): the service exists in the store's Region under the owner
account (`XksProxyVpcEndpointServiceOwner`, default the caller's account); its Allow principals list
has `cks.kms.<region>.amazonaws.com`, and, when another account owns it, the key store's account; it
does not require acceptance; its network load balancer spans at least two Availability Zones; its
private DNS name is verified and is the host of `XksProxyUriEndpoint`.
"""

from urllib.parse import urlsplit

NOT_FOUND = "XksProxyVpcEndpointServiceNotFoundException"
INVALID_CONFIGURATION = "XksProxyVpcEndpointServiceInvalidConfigurationException"
# The ConnectionErrorCode a connect attempt ends with, per exception.
CONNECTION_ERROR_CODES = {NOT_FOUND: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
                          INVALID_CONFIGURATION: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"}

FIELDS = ("service_name", "owner", "private_dns_name", "private_dns_verified", "acceptance_required",
          "availability_zones", "allowed_principals", "address")


def kms_principal(region):
    return "cks.kms.%s.amazonaws.com" % region


def account_principals(account):
    """The ways an Allow principals list names an account."""
    return (account, "arn:aws:iam::%s:root" % account)


def service_region(service_name):
    """`com.amazonaws.vpce.<region>.vpce-svc-...` -> region."""
    parts = service_name.split(".")
    return parts[3] if len(parts) >= 5 else None


class Problem(object):
    """Why KMS refuses a VPC endpoint service: the exception of Create/Update, its message, the connect error code."""

    def __init__(self, exception, message):
        self.exception = exception
        self.message = message
        self.code = CONNECTION_ERROR_CODES[exception]


def _not_found(proxy, region):
    return Problem(NOT_FOUND, "KMS cannot find the VPC endpoint service %s owned by account %s. Verify the "
                   "XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner, and that the Allow principals "
                   "list of the VPC endpoint service includes %s." % (proxy.service_name, proxy.service_owner, kms_principal(region)))


def _invalid(proxy, requirement):
    return Problem(INVALID_CONFIGURATION, "The VPC endpoint service %s does not fulfill the requirements for an external key "
                   "store: %s." % (proxy.service_name, requirement))


def _visible_to_kms(service, account, region):
    """KMS reaches a service as a consumer: its principal, and for another owner also the store's account, must be allowed."""
    allowed = service.get("allowed_principals") or []
    if kms_principal(region) not in allowed:
        return False
    return service.get("owner") == account or any(principal in allowed for principal in account_principals(account))


def _configuration_problem(service, proxy):
    if service.get("acceptance_required"):
        return _invalid(proxy, "it must not require acceptance of connection requests")
    if len(set(service.get("availability_zones") or [])) < 2:
        return _invalid(proxy, "its network load balancer must be in at least two Availability Zones")
    dns_name = (service.get("private_dns_name") or "").lower()
    if not dns_name:
        return _invalid(proxy, "it must have a private DNS name")
    if not service.get("private_dns_verified"):
        return _invalid(proxy, "the domain of its private DNS name %s must have the verification status verified" % dns_name)
    if (urlsplit(proxy.endpoint).hostname or "").lower() != dns_name:
        return _invalid(proxy, "its private DNS name %s must be the host of the XksProxyUriEndpoint" % dns_name)
    return None


def problem(services, proxy, account, region):
    """The Problem KMS finds with the VPC endpoint service of `proxy` (a ProxySettings), or None.

    `services`: service name -> registry entry; `account`: the key store's account.
    """
    service = services.get(proxy.service_name)
    if service is None or service.get("owner") != proxy.service_owner or service_region(proxy.service_name) != region:
        return _not_found(proxy, region)
    if not _visible_to_kms(service, account, region):
        return _not_found(proxy, region)
    return _configuration_problem(service, proxy)


def address(services, proxy):
    """The loopback address a VPC store's requests reach (the service's target), or None."""
    service = services.get(proxy.service_name) if proxy.service_name else None
    return service.get("address") if service else None


def check_entry(name, entry):
    """Raise ValueError unless `entry` is a registry entry the emulator can use."""
    if not isinstance(entry, dict):
        raise ValueError("vpc_endpoint_services[%s] must be an object with %s" % (name, ", ".join(FIELDS)))
    missing = [field for field in FIELDS if field not in entry]
    if missing:
        raise ValueError("vpc_endpoint_services[%s] lacks %s" % (name, ", ".join(missing)))
    if entry.get("service_name") != name:
        raise ValueError("vpc_endpoint_services[%s].service_name must be its key" % name)


def default_services(region, account, other_account, targets):
    """The start registry: label -> entry (as in testbed.json). `targets`: proxy instance name -> its address.

    Each failure mode differs from `valid` in one property; `endpoint` is the XksProxyUriEndpoint to use
    with it (its private DNS name, except for `dns_not_endpoint`); `expect` is what KMS answers then.
    """
    def service(suffix, proxy="secondary", owner=account, expect=None, endpoint=None, **changes):
        entry = {
            "service_name": "com.amazonaws.vpce.%s.vpce-svc-%s" % (region, suffix),
            "owner": owner,
            "private_dns_name": "myproxy-private.xks.example.com",
            "private_dns_verified": True,
            "acceptance_required": False,
            "availability_zones": ["%sa" % region, "%sb" % region],
            "allowed_principals": [kms_principal(region)],
            "proxy": proxy,
            "address": targets[proxy],
            "registered": True,
            "expect": expect,
        }
        entry.update(changes)
        entry["endpoint"] = endpoint or "https://myproxy-private.xks.example.com"
        return entry

    return {
        "valid": service("example"),
        "valid_2": service("0fedcba9876543210", private_dns_name="myproxy-vpc-2.xks.example.com",
                           endpoint="https://myproxy-vpc-2.xks.example.com"),
        "cross_account": service("0123456789abcdef0", owner=other_account,
                                 allowed_principals=[kms_principal(region), "arn:aws:iam::%s:root" % account]),
        "cross_account_not_allowed": service("0a1b2c3d4e5f60718", owner=other_account, expect=NOT_FOUND),
        "kms_not_allowed": service("0badc0ffee0000001", allowed_principals=[], expect=NOT_FOUND),
        "acceptance_required": service("0badc0ffee0000002", acceptance_required=True, expect=INVALID_CONFIGURATION),
        "single_az": service("0badc0ffee0000003", availability_zones=["%sa" % region], expect=INVALID_CONFIGURATION),
        "dns_unverified": service("0badc0ffee0000004", private_dns_verified=False, expect=INVALID_CONFIGURATION),
        "no_private_dns": service("0badc0ffee0000005", private_dns_name=None, expect=INVALID_CONFIGURATION),
        "dns_not_endpoint": service("0badc0ffee0000007", private_dns_name="myproxy-vpc-3.xks.example.com",
                                    expect=INVALID_CONFIGURATION),
        "missing": service("0badc0ffee0000006", registered=False, expect=NOT_FOUND),
    }


def registry(services):
    """The emulator's view of testbed.json's list: service name -> entry, registered services only."""
    return {entry["service_name"]: {field: entry[field] for field in FIELDS}
            for entry in services.values() if entry.get("registered", True)}
