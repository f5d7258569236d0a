# SPDX-License-Identifier: EUPL-1.2
# One image for every service of docker-compose.yml: migrate, api, consumer and Airflow
# (requirements.lock pins Airflow with everything else).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

RUN pip install --no-cache-dir uv==0.13.8

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN uv pip install --system --no-cache -r requirements.lock

# The project (vroegsignaal/, cli/, synthetic/, batch/, streaming/, models/ installed;
# api/ and dags/ on PYTHONPATH). The folders that docker-compose.yml mounts as volumes
# exist here, owned by the service user, so a new volume starts with that owner (the DAG
# tasks refuse unwritable folders).
COPY . .
RUN uv pip install --system --no-cache --no-deps . \
    && useradd --create-home --uid 10001 vroegsignaal \
    && mkdir -p /app/var /var/lib/vroegsignaal/batch/inbox /var/lib/vroegsignaal/models \
        /opt/airflow/logs \
    && chown -R vroegsignaal: /app/var /var/lib/vroegsignaal /opt/airflow

USER vroegsignaal
EXPOSE 8000
CMD ["vroegsignaal", "--help"]
