# SPDX-License-Identifier: EUPL-1.2
"""Door: the DDAS Vroegsignalering pull API (VNG DDAS-VS.yaml v1.2) that CBS calls.

A FastAPI application of its own, mounted by api/main.py under /ddas/v1: its interface is
VNG's, not ours (paths, problem shapes, FSC error headers), so it has its own OpenAPI
document (api/ddas/openapi.py) and stays out of the NL GOV-linted /api/v1 document.
"""
