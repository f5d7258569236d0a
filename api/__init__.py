# SPDX-License-Identifier: EUPL-1.2
"""The HTTP door: FastAPI app for creditors, workers and managers (NL GOV API Design Rules)."""
