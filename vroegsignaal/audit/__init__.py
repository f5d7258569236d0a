# SPDX-License-Identifier: EUPL-1.2
"""The audit trail: every read of a zaak or of decrypted personal data by a person, and every
change, with who, role, when, what, why and the outcome. No personal data in the log itself."""
