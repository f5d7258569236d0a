# SPDX-License-Identifier: EUPL-1.2
"""The DDAS v1.2 delivery of signals and zaken to CBS (to come, issue 12): built on the
zaak workflow (cases/) and its status history."""
