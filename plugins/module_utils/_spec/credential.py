# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Argument spec pieces shared by the modules that take an XKS proxy credential, and what of their
values must be masked."""

import re
from collections.abc import Mapping

from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.kms.xks.plugins.module_utils._spec.fields import ACCESS_KEY_ID_RULE
from ansible_collections.kms.xks.plugins.module_utils._spec.fields import check_value

CREDENTIAL_OPTIONS = ("xks_proxy_authentication_credential",)
# Options that hold a credential as a member: option -> (that member, the members that are shown as given).
CREDENTIAL_HOLDERS = {"reference_proxy": ("authentication_credential", ("uri_endpoint", "uri_path"))}
# Endpoints, as options or as members of a credential holder: a password may hide in their user info
# (https://user:password@host). The endpoint check refuses them without showing the value; the argument echo must not show it either.
ENDPOINT_OPTIONS = ("xks_proxy_uri_endpoint",)
ENDPOINT_MEMBER = "uri_endpoint"
# The one member of a credential that is not secret: KMS reports it, results and diffs show it.
ACCESS_KEY_ID = "access_key_id"
CREDENTIAL_MEMBERS = (ACCESS_KEY_ID, "raw_secret_access_key")
# A key that may be a misspelt option name, which ansible-core may show; any other key may be a secret
# (a secret ending in "=" given as a string reads as "key=" text).
OPTION_NAME_LIKE = re.compile(r"[a-z_]{1,32}")
# What Ansible shows in place of a no_log value.
MASKED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def credential_member_options(secret_required=False):
    """The suboptions of a credential: the access key ID (shown) and the secret (masked)."""
    secret = dict(type="str", no_log=True)
    if secret_required:
        secret["required"] = True
    return dict(access_key_id=dict(type="str", required=True, no_log=False), raw_secret_access_key=secret)


def proxy_credential_argument_spec():
    """xks_proxy_authentication_credential and xks_proxy_configuration_file, as xks_keystore and xks_proxy_health take them."""
    return dict(
        xks_proxy_authentication_credential=dict(
            type="dict",
            # Not no_log as a whole: the access key ID must stay visible. The module class masks every other value, whatever its shape.
            no_log=False,
            # The secret is optional: the access key ID alone is enough to compare; it is required where the credential is sent.
            options=credential_member_options(),
        ),
        xks_proxy_configuration_file=dict(type="path"),
    )


PROXY_CREDENTIAL_MUTUALLY_EXCLUSIVE = [
    ["xks_proxy_configuration_file", "xks_proxy_uri_path"],
    ["xks_proxy_configuration_file", "xks_proxy_authentication_credential"],
]


def _scalars(value):
    """Every string (and number, as text) inside ``value``, however deeply nested."""
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def credential_values_to_mask(value):
    """What of a credential option's raw value must be masked: all of it, in any shape, except a valid access key ID.

    A string may be JSON or ``k=v`` text that Ansible turns into a dict: the text is masked whole, and
    the values it holds as they come out of it. Anything that is not a mapping is masked whole.
    """
    if isinstance(value, Mapping):
        found = set()
        for key, item in value.items():
            # An access key ID that is not valid may be a secret put in the wrong place.
            if not (key == ACCESS_KEY_ID and check_value(key, item, ACCESS_KEY_ID_RULE) is None):
                found.update(_scalars(item))
        return found
    found = set(_scalars(value))
    if isinstance(value, str):
        try:
            parsed = check_type_dict(value)
        except (TypeError, ValueError):
            return found
        if isinstance(parsed, Mapping):
            found.update(credential_values_to_mask(parsed))
    return found


def userinfo_to_mask(endpoint):
    """The user info of an endpoint given as text (and its password part), or nothing."""
    if not isinstance(endpoint, str):
        return set()
    authority = re.split(r"[/?#]", endpoint.partition("://")[2] or endpoint, maxsplit=1)[0]
    if "@" not in authority:
        return set()
    userinfo = authority.rpartition("@")[0]
    return {part for part in (userinfo, userinfo.partition(":")[2]) if part}


def _holder_values_to_mask(value, member, shown):
    """What of a credential holder's raw value must be masked: its credential member as a credential, any member that is not
    one of ``shown`` whole (it may be a misplaced secret), and a holder that is no dict whole."""
    if value is None:
        return set()
    if not isinstance(value, Mapping):
        return credential_values_to_mask(value)
    found = set()
    for key, item in value.items():
        if key == member:
            found.update(credential_values_to_mask(item))
        elif key == ENDPOINT_MEMBER:
            found.update(userinfo_to_mask(item))
        elif key not in shown:
            found.update(_scalars(item))
    return found


def _shape_problem(option, value, members):
    """Why ``value`` (a dict, or what a string turned into) is not a dict of ``members`` that ansible-core may check and show, or None."""
    if not isinstance(value, Mapping):
        return "%s must be a dict with %s, not %s (the value given is not shown)." % (option, " and ".join(members), type(value).__name__)
    if any(not (isinstance(key, str) and OPTION_NAME_LIKE.fullmatch(key)) for key in value):
        return "%s has a key that is not one of its options %s (it is not shown: it may be a secret)." % (option, ", ".join(members))
    return None


def _as_dict(label, value, members):
    """(value as ansible-core would make it a dict, or MASKED; the problem, or None) for an option of dict type holding a secret."""
    if isinstance(value, str):
        try:
            value = check_type_dict(value)
        except (TypeError, ValueError):
            return MASKED, "%s must be a dict with %s; the text given is neither JSON nor key=value (it is not shown)." % (label, " and ".join(members))
    problem = _shape_problem(label, value, members)
    return (MASKED, problem) if problem else (value, None)


def normalize_credentials(params):
    """Turn each credential option (and credential holder, with its credential) given as JSON or ``k=v`` text into its
    dict, as ansible-core would.

    Returns the messages for values that ansible-core would show or crash on (a list, a number, text
    that is no dict, a key that may be a secret); their values are replaced by the mask in ``params``.
    """
    problems = []
    for option in CREDENTIAL_OPTIONS:
        if params.get(option) is not None:
            params[option], problem = _as_dict(option, params[option], CREDENTIAL_MEMBERS)
            problems.append(problem)
    for option, (member, shown) in CREDENTIAL_HOLDERS.items():
        if params.get(option) is None:
            continue
        params[option], problem = _as_dict(option, params[option], shown + (member,))
        problems.append(problem)
        if problem is None and params[option].get(member) is not None:
            holder = dict(params[option])
            holder[member], problem = _as_dict("%s.%s" % (option, member), holder[member], CREDENTIAL_MEMBERS)
            params[option] = holder
            problems.append(problem)
    return [problem for problem in problems if problem]


def values_to_mask(argument_spec, params):
    """The values of ``params`` (as given, before validation) that must never be shown.

    Every credential option's (see credential_values_to_mask), and every top-level no_log option's:
    ansible-core collects the latter too, but drops them all when a dict option holds something that
    is not a dict.
    """
    found = set()
    for option in CREDENTIAL_OPTIONS:
        if params.get(option) is not None:
            found.update(credential_values_to_mask(params[option]))
    for option, (member, shown) in CREDENTIAL_HOLDERS.items():
        found.update(_holder_values_to_mask(params.get(option), member, shown))
    for option in ENDPOINT_OPTIONS:
        found.update(userinfo_to_mask(params.get(option)))
    for option, spec in argument_spec.items():
        if spec.get("no_log"):
            for name in [option] + list(spec.get("aliases") or []):
                found.update(_scalars(params.get(name)))
    return found
