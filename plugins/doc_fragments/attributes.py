# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Attributes every kms.xks module has; each module states its own support level.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
"""

    # Every module of the collection is in the group, so that module_defaults (a Region above all) reach each one.
    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/kms.xks.aws) in C(module_defaults) to set defaults for this module; the group also holds the modules of C(amazon.aws.aws).
    support: full
    membership:
      - kms.xks.aws
"""
