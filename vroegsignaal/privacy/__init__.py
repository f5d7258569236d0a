# SPDX-License-Identifier: EUPL-1.2
"""Privacy by design: allowed data set only, pseudonymous keys, identifiers encrypted at rest."""
