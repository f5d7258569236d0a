# SPDX-License-Identifier: EUPL-1.2
"""Accounts: who acts (workers, teamleiders, managers, admins, creditors) and what they may see.

`principal.py` holds the types every rights check in the core takes; login, sessions and
API keys build them (api/deps.py passes them on, never decides rights itself).
"""
