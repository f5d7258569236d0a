# SPDX-License-Identifier: EUPL-1.2
"""Transport-neutral helpers for the Kafka door (streaming/): partition keys, creditor
feedback messages and sealed dead-letter records. No Kafka client is imported here."""
