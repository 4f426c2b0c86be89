# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""kms_retry, the one retry layer of the KMS calls: which failures it retries, and which it does not."""

import pytest

botocore = pytest.importorskip("botocore")
from botocore.exceptions import ClientError  # noqa: E402  (after the skip above)
from botocore.exceptions import ConnectionClosedError  # noqa: E402
from botocore.exceptions import EndpointConnectionError  # noqa: E402

from ansible_collections.kms.xks.plugins.module_utils._common.retries import kms_retry  # noqa: E402


def client_error(code):
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "UpdateCustomKeyStore")


def failing(errors):
    """A call that raises each of ``errors`` in turn, then answers "ok"; records its attempts."""
    attempts = []

    @kms_retry()
    def call():
        attempts.append(len(attempts))
        if len(attempts) <= len(errors):
            raise errors[len(attempts) - 1]
        return "ok"

    return call, attempts


@pytest.fixture
def sleeps(clock):
    return clock.sleeps


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: client_error("ThrottlingException"), id="throttling"),
        pytest.param(lambda: client_error("KMSInternalException"), id="internal"),
        pytest.param(lambda: ConnectionClosedError(endpoint_url="https://kms.us-east-1.amazonaws.com/"), id="connection-closed"),
    ],
)
def test_transient_failures_are_retried_with_a_backoff(sleeps, error):
    call, attempts = failing([error(), error(), error()])

    assert call() == "ok"
    assert len(attempts) == 4
    assert len(sleeps) == 3 and all(0 <= sleep <= 15 for sleep in sleeps)


def test_it_gives_up_after_eight_attempts(sleeps):
    call, attempts = failing([ConnectionClosedError(endpoint_url="https://kms")] * 20)

    with pytest.raises(ConnectionClosedError):
        call()
    assert len(attempts) == 8


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(client_error("CustomKeyStoreInvalidStateException"), id="kms-error"),
        pytest.param(EndpointConnectionError(endpoint_url="https://kms"), id="cannot-connect"),
        pytest.param(ValueError("a bug"), id="not-botocore"),
    ],
)
def test_other_failures_are_raised_at_once(sleeps, error):
    call, attempts = failing([error])

    with pytest.raises(type(error)):
        call()
    assert len(attempts) == 1 and sleeps == []
