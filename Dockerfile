# SPDX-License-Identifier: EUPL-1.2
# One image for the migrate, api and consumer services of docker-compose.yml.
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
# api/ and dags/ on PYTHONPATH).
COPY . .
RUN uv pip install --system --no-cache --no-deps . \
    && useradd --create-home --uid 10001 vroegsignaal \
    && mkdir -p /app/var && chown vroegsignaal: /app/var

USER vroegsignaal
EXPOSE 8000
CMD ["vroegsignaal", "--help"]
