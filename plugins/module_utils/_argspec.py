# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Argument spec pieces shared by the modules that take an XKS proxy credential."""


def proxy_credential_argument_spec():
    """xks_proxy_authentication_credential and xks_proxy_configuration_file, as xks_keystore and xks_proxy_health take them."""
    return dict(
        xks_proxy_authentication_credential=dict(
            type="dict",
            no_log=False,
            options=dict(
                access_key_id=dict(type="str", required=True, no_log=False),
                raw_secret_access_key=dict(type="str", required=True, no_log=True),
            ),
        ),
        xks_proxy_configuration_file=dict(type="path"),
    )


PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE = [
    ["xks_proxy_configuration_file", "xks_proxy_uri_path"],
    ["xks_proxy_configuration_file", "xks_proxy_authentication_credential"],
]
