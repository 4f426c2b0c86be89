# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The names KMS gives an external key store's connection states and connectivity kinds.

Pure data: the planner, the waiter and the manager all read them from here.
"""

CONNECTED = "CONNECTED"
CONNECTING = "CONNECTING"
DISCONNECTED = "DISCONNECTED"
DISCONNECTING = "DISCONNECTING"
FAILED = "FAILED"
TRANSIENT_STATES = (CONNECTING, DISCONNECTING)
# Where each transient state is heading.
SETTLED_STATE = {CONNECTING: CONNECTED, DISCONNECTING: DISCONNECTED}

CONNECTIVITY_PUBLIC = "PUBLIC_ENDPOINT"
CONNECTIVITY_VPC = "VPC_ENDPOINT_SERVICE"

EXTERNAL_KEY_STORE = "EXTERNAL_KEY_STORE"
