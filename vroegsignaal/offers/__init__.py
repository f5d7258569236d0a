# SPDX-License-Identifier: EUPL-1.2
"""The proactive offer (Wgs: "uit eigen beweging een intakegesprek aanbieden"): letter
and SMS templates per municipality, rendering to printable HTML, PDF and SMS text, the
outbox port that hands them to the post or SMS service, and sending as a contactpoging."""
