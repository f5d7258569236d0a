# SPDX-License-Identifier: EUPL-1.2
"""One module per resource; mounted under /api/v1 by api.main."""
