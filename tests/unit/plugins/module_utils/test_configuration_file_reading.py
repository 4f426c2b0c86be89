# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xks_proxy_configuration_file: only a regular file of at most 64 KiB is read; anything else (a device,
a FIFO, a directory, a huge file) fails at once, naming the option, without blocking or reading it."""

import json
import os
import threading

import pytest

from ansible_collections.kms.xks.plugins.module_utils._common.errors import XksValidationError
from ansible_collections.kms.xks.plugins.module_utils._spec import config_file
from ansible_collections.kms.xks.tests.unit import stores as s

GOOD = {
    "XksProxyUriPath": s.URI_PATH,
    "XksProxyAuthenticationCredential": {"AccessKeyId": s.ACCESS_KEY_ID, "RawSecretAccessKey": s.SECRET},
}


def read_within(path, seconds=5):
    """read_proxy_configuration_file(path), which must finish within ``seconds``: (result, error)."""
    outcome = {}

    def target():
        try:
            outcome["result"] = config_file.read_proxy_configuration_file(str(path))
        except XksValidationError as e:
            outcome["error"] = str(e)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading %s blocked" % path
    return outcome.get("result"), outcome.get("error")


def test_a_regular_file_is_read(tmp_path):
    path = tmp_path / "proxy.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")

    assert read_within(path) == ((s.URI_PATH, s.credential()), None)


def test_a_symbolic_link_to_a_regular_file_is_read(tmp_path):
    (tmp_path / "proxy.json").write_text(json.dumps(GOOD), encoding="utf-8")
    os.symlink(str(tmp_path / "proxy.json"), str(tmp_path / "link.json"))

    assert read_within(tmp_path / "link.json")[0] == (s.URI_PATH, s.credential())


def test_a_fifo_fails_at_once(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(str(path))

    _result, error = read_within(path)

    assert error.startswith("xks_proxy_configuration_file") and "not a regular file" in error


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_fails_at_once(path):
    if not os.path.exists(path):
        pytest.fail("%s is missing" % path)

    _result, error = read_within(path)

    assert error.startswith("xks_proxy_configuration_file") and "not a regular file" in error


def test_a_directory_fails(tmp_path):
    _result, error = read_within(tmp_path)

    assert error.startswith("xks_proxy_configuration_file") and "not a regular file" in error


def test_a_file_over_64_kib_fails_without_being_parsed(tmp_path):
    path = tmp_path / "big.json"
    document = dict(GOOD, padding="x" * config_file.CONFIG_FILE_MAX_BYTES)
    path.write_text(json.dumps(document), encoding="utf-8")

    _result, error = read_within(path)

    assert error.startswith("xks_proxy_configuration_file") and "at most 65536" in error
    assert not s.leaked_pieces(error, s.SECRET)


def test_a_file_of_exactly_64_kib_is_read(tmp_path):
    path = tmp_path / "full.json"
    text = json.dumps(GOOD)
    path.write_text(text[:-1] + " " * (config_file.CONFIG_FILE_MAX_BYTES - len(text)) + "}", encoding="utf-8")
    assert path.stat().st_size == config_file.CONFIG_FILE_MAX_BYTES

    assert read_within(path)[0] == (s.URI_PATH, s.credential())


def test_a_missing_file_names_the_option(tmp_path):
    _result, error = read_within(tmp_path / "nothing.json")

    assert error.startswith("xks_proxy_configuration_file") and "No such file" in error


def test_a_file_that_is_not_utf8_names_the_option(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"XksProxyUriPath": "\xe9"}')

    _result, error = read_within(path)

    assert error.startswith("xks_proxy_configuration_file") and "UTF-8" in error


def test_an_access_key_id_that_is_the_secret_is_not_shown():
    swapped = json.dumps({"XksProxyUriPath": s.URI_PATH,
                          "XksProxyAuthenticationCredential": {"AccessKeyId": s.SECRET, "RawSecretAccessKey": s.ACCESS_KEY_ID}})

    with pytest.raises(XksValidationError) as raised:
        config_file.parse_proxy_configuration(swapped)

    assert "AccessKeyId" in str(raised.value)
    assert not s.leaked_pieces(str(raised.value), s.SECRET)
