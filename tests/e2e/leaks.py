# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding secrets in output: every form a secret could take there, and reports that never print one."""

import json
import secrets
import string
from urllib.parse import quote
from urllib.parse import quote_plus

# A run of this many characters of a random secret is a leak too (a truncated or wrapped secret).
WINDOW = 8
ALPHANUMERIC = string.ascii_letters + string.digits


def random_text(length, alphabet=ALPHANUMERIC):
    return "".join(secrets.choice(alphabet) for _index in range(length))


def forms(secret, windows=True):
    """The strings whose presence in output reveals ``secret``: itself, JSON-escaped, URL-encoded, and
    (for a random secret) every WINDOW characters of it."""
    found = {secret, json.dumps(secret)[1:-1], secret.replace("/", "\\/"), quote(secret, safe=""), quote_plus(secret)}
    if windows and len(secret) > WINDOW:
        found.update(secret[start:start + WINDOW] for start in range(len(secret) - WINDOW + 1))
    return found


class Secrets(object):
    """Labelled secrets (the label is what a report shows, never the value)."""

    def __init__(self):
        self.entries = []  # (label, value, forms)

    def add(self, label, value, windows=True):
        if not value:
            raise ValueError("secret %s is empty" % label)
        self.entries.append((label, value, forms(value, windows)))

    @property
    def labels(self):
        return [label for label, _value, _forms in self.entries]

    def find(self, channels):
        """{label: ["<channel>: ...context...", ...]} for every secret found in ``channels`` ({name: text})."""
        hits = {}
        for label, value, variants in self.entries:
            for channel, text in sorted(channels.items()):
                for variant in variants:
                    position = text.find(variant)
                    if position >= 0:
                        hits.setdefault(label, []).append("%s: %s" % (channel, self.context(text, position, len(variant))))
                        break
        return hits

    def context(self, text, position, length, width=60):
        """The text around a hit, each stretch of it that matches a form of a secret replaced by that secret's label."""
        margin = max([len(value) for _label, value, _variants in self.entries] + [WINDOW]) * 4
        low = max(0, position - width - margin)
        region = text[low:position + length + width + margin]
        owner = [None] * len(region)
        for label, value, variants in self.entries:
            for variant in variants | {value}:
                at = region.find(variant)
                while at >= 0:
                    owner[at:at + len(variant)] = [label] * len(variant)
                    at = region.find(variant, at + 1)
        pieces, index = [], max(0, position - width) - low
        end = min(len(region), position + length + width - low)
        while index < end:
            label = owner[index]
            if label is None:
                pieces.append(region[index])
                index += 1
                continue
            while index < end and owner[index] == label:
                index += 1
            pieces.append("<%s>" % label)
        return "".join(pieces).replace("\n", "\\n")
