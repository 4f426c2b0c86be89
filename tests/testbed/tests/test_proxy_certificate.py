# -*- coding: utf-8 -*-
"""The proxy's `certificate_days` fault: a certificate from the trusted CA that ends N days from when it is set."""

import datetime
import os
import socket
import ssl
import time

import pytest
import requests
from cryptography import x509

from testbed import AdminError, pki
from testbed.kms import create_store, wait_for

from testbed_helpers import health_request

DAY = datetime.timedelta(days=1)


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _handshake(bed, instance="primary", name=None, verify=True):
    """The certificate a TLS client gets from the instance (verifying it against the bed's CA, or not)."""
    address = bed["xks_proxy_" + instance]["address"]
    if verify:
        context = ssl.create_default_context(cafile=bed["xks_ca_file"])
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, 443), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name or address) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def _normal_certificate(bed):
    with open(os.path.join(bed["testbed_state_dir"], pki.SERVER_CERT_FILE), "rb") as handle:
        return x509.load_pem_x509_certificate(handle.read())


def _near(moment, expected):
    return abs(moment - expected) < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("name", ["xks-proxy.test", "myproxy.xks.example.com", None])
def test_a_certificate_that_expires_in_ten_days_verifies(bed, proxy, name):
    proxy.set_faults("primary", certificate_days=10)
    cert = _handshake(bed, name=name)
    assert _near(cert.not_valid_after_utc, _now() + 10 * DAY)
    assert cert.not_valid_before_utc < _now()
    assert cert.issuer == _normal_certificate(bed).issuer
    # Real HTTP over it: the proxy answers as usual.
    assert health_request(bed, bed["xks_proxy_primary"]["credentials"][0]).status_code == 200


def test_an_expired_certificate_fails_verification(bed, proxy):
    proxy.set_faults("primary", certificate_days=-1)
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate has expired"):
        _handshake(bed)
    with pytest.raises(requests.exceptions.SSLError):
        health_request(bed, bed["xks_proxy_primary"]["credentials"][0])
    cert = _handshake(bed, verify=False)
    assert cert.not_valid_after_utc < _now()
    assert _near(cert.not_valid_after_utc, _now() - DAY)
    assert cert.not_valid_before_utc < cert.not_valid_after_utc


def test_each_setting_issues_a_fresh_certificate(bed, proxy):
    proxy.set_faults("primary", certificate_days=10)
    first = _handshake(bed).not_valid_after_utc
    time.sleep(1.1)
    proxy.set_faults("primary", certificate_days=10)
    assert _handshake(bed).not_valid_after_utc > first


def test_only_the_instance_set_is_affected_and_clearing_restores_the_normal_certificate(bed, proxy):
    normal = _normal_certificate(bed)
    proxy.set_faults("primary", certificate_days=10)
    assert _handshake(bed) != normal
    assert _handshake(bed, instance="secondary") == normal
    proxy.clear_faults("primary")
    assert _handshake(bed) == normal


def test_bad_tls_wins_over_certificate_days(bed, proxy):
    proxy.set_faults("primary", certificate_days=10, bad_tls=True)
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer certificate"):
        _handshake(bed)
    proxy.set_faults("primary", bad_tls=False)
    assert _near(_handshake(bed).not_valid_after_utc, _now() + 10 * DAY)


@pytest.mark.parametrize("days", [3650, -3650])
def test_the_bounds_are_accepted(bed, proxy, days):
    assert proxy.set_faults("primary", certificate_days=days)["certificate_days"] == days
    assert _near(_handshake(bed, verify=False).not_valid_after_utc, _now() + days * DAY)


@pytest.mark.parametrize("value", [True, "10", 1.5, 3651, -3651, [10]])
def test_bad_values_are_refused(bed, proxy, value):
    with pytest.raises(AdminError) as excinfo:
        proxy.set_faults("primary", certificate_days=value)
    assert excinfo.value.status == 400
    assert "certificate_days must be null or an integer from -3650 to 3650" in str(excinfo.value)
    assert proxy.instance("primary")["faults"]["certificate_days"] is None
    assert _handshake(bed) == _normal_certificate(bed)


def test_kms_connects_through_a_certificate_near_expiry(kms, bed, proxy):
    store_id = create_store(kms, bed)
    proxy.set_faults("primary", certificate_days=10)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert wait_for(kms, store_id, ("FAILED", "CONNECTED"))["ConnectionState"] == "CONNECTED"
