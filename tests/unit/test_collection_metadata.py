# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What ansible-doc and module_defaults make of the collection's metadata."""

import importlib
import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py") and name != "__init__.py")


def test_there_are_modules():
    assert MODULES, "no module found under plugins/modules"


def test_every_module_is_in_the_aws_action_group():
    # module_defaults: group/kms.xks.aws must reach every module (a Region set once, for all).
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        group = yaml.safe_load(handle)["action_groups"]["aws"]
    members = [entry for entry in group if isinstance(entry, str)]
    assert sorted(members) == MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_author_line_renders_in_ansible_doc(name):
    # ansible-doc prints an author line as written: "(!UNKNOWN)" is a placeholder, not a name.
    module = importlib.import_module("ansible_collections.kms.xks.plugins.modules.%s" % name)
    authors = yaml.safe_load(module.DOCUMENTATION)["author"]
    assert authors and all("!UNKNOWN" not in author for author in authors), authors
