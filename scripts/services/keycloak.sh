#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# A throwaway Keycloak (a real OpenID Connect provider) for tests and local development,
# with the test realm `vroegsignaal` imported from scripts/services/keycloak/.
#
#   scripts/services/keycloak.sh start    fetch the distribution if needed, start, wait
#   scripts/services/keycloak.sh stop     stop the server this script started
#   scripts/services/keycloak.sh status   exit 0 when the realm's discovery document is served
#   scripts/services/keycloak.sh url      print the issuer URL of the vroegsignaal realm
#
# The distribution (org.keycloak:keycloak-quarkus-dist, tar.gz) comes from Maven Central
# and is unpacked into the cache Kafka's jars use:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/vroegsignaal/keycloak-<version>
# Keycloak 26 runs on Java 17, 21 or 25: `java` on PATH (Debian's openjdk-17 is enough),
# or $JAVA_HOME/bin/java when JAVA_HOME is set.
#
# Each state directory (default var/keycloak/) is a Keycloak home of its own: its own
# conf/, data/ (the H2 file database) and lib/quarkus/ (the build Keycloak makes for its
# options), sharing the cached jars through symlinks. The server runs in production mode
# (`build` once, then `start --optimized`: one JVM, themes cached) with plain HTTP on
# loopback, local caches and the H2 file database: fit for tests, never for production.
# The realm file is imported at start; when it (or the Keycloak version) changed since
# the database was made, the database is dropped first, so the realm always matches the
# file in the repository. A master-realm admin (admin / admin) exists for tests that use
# the admin REST API. Test users, claims and client: scripts/services/keycloak/README.md.
#
# Environment: KEYCLOAK_VERSION (default 26.7.3), VROEGSIGNAAL_KEYCLOAK_PORT (58080),
# VROEGSIGNAAL_KEYCLOAK_MANAGEMENT_PORT (58081, health), VROEGSIGNAAL_KEYCLOAK_START_TIMEOUT
# (240 s), VROEGSIGNAAL_KEYCLOAK_STATE_DIR (var/keycloak): a second server for a test
# that stops it sets its own ports and state directory, and shares the cached jars.
set -euo pipefail

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
HOST="127.0.0.1"
PORT="${VROEGSIGNAAL_KEYCLOAK_PORT:-58080}"
MANAGEMENT_PORT="${VROEGSIGNAAL_KEYCLOAK_MANAGEMENT_PORT:-58081}"
START_TIMEOUT="${VROEGSIGNAAL_KEYCLOAK_START_TIMEOUT:-240}"
REALM="vroegsignaal"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REALM_FILE="$REPO_ROOT/scripts/services/keycloak/$REALM-realm.json"
STATE_DIR="${VROEGSIGNAAL_KEYCLOAK_STATE_DIR:-$REPO_ROOT/var/keycloak}"
HOME_DIR="$STATE_DIR/home"
PID_FILE="$STATE_DIR/keycloak.pid"
LOG_FILE="$STATE_DIR/keycloak.log"
DB_STAMP="$STATE_DIR/database-made-from"
BUILD_STAMP="$STATE_DIR/built-with"
# Build-time options: the H2 file database and the health endpoints.
BUILD_OPTIONS=(--db=dev-file --health-enabled=true)

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/vroegsignaal"
DIST="$CACHE_ROOT/keycloak-$KEYCLOAK_VERSION"
MAVEN_REPO="$CACHE_ROOT/m2"

ISSUER="http://$HOST:$PORT/realms/$REALM"

log() { echo "keycloak.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() {
    # bash's /dev/tcp: no client tools needed.
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

realm_served() {
    # The discovery document of the realm answers 200: Keycloak is up and the realm exists.
    python3 - "$ISSUER/.well-known/openid-configuration" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

our_pid() {
    # Print the pid of the server this script started, if it is still alive.
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'io.quarkus.bootstrap.runner.QuarkusEntryPoint' || return 1
    echo "$pid"
}

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null; then
        command -v java
    else
        die "java (17 or later) is needed"
    fi
}

fetch_dist() {
    [[ -f "$DIST/lib/quarkus-run.jar" ]] && return 0
    command -v mvn >/dev/null || die "mvn is needed to fetch Keycloak from Maven Central"
    local artifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz"
    log "fetching $artifact from Maven Central into $DIST"
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/vroegsignaal-keycloak-fetch.XXXXXX")"
    if ! mvn -B -Dstyle.color=never -Dmaven.repo.local="$MAVEN_REPO" \
            dependency:copy -Dartifact="$artifact" -DoutputDirectory="$work" \
            >"$work/mvn.log" 2>&1; then
        tail -n 40 "$work/mvn.log" >&2
        rm -rf "$work"
        die "Maven could not fetch $artifact"
    fi
    mkdir -p "$CACHE_ROOT"
    rm -rf "$DIST.partial"
    mkdir -p "$DIST.partial"
    tar -xzf "$work/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$DIST.partial" \
        --strip-components=1
    rm -rf "$work"
    # The unpacked tree is the cache; the 170 MB archive in the Maven repository is not needed.
    rm -rf "$MAVEN_REPO/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION"
    [[ -f "$DIST.partial/lib/quarkus-run.jar" ]] || die "fetch incomplete"
    rm -rf "$DIST"
    mv "$DIST.partial" "$DIST"  # only a complete fetch becomes the cache
}

prepare_home() {
    # A Keycloak home of this state directory: own conf/, data/, lib/quarkus/; shared jars.
    mkdir -p "$HOME_DIR/lib" "$HOME_DIR/conf" "$HOME_DIR/providers" "$HOME_DIR/themes"
    if [[ "$(cat "$HOME_DIR/.version" 2>/dev/null)" != "$KEYCLOAK_VERSION" ]]; then
        rm -rf "$HOME_DIR/lib/quarkus" "$HOME_DIR/data"
        cp -r "$DIST/lib/quarkus" "$HOME_DIR/lib/quarkus"
        cp "$DIST/lib/quarkus-run.jar" "$HOME_DIR/lib/quarkus-run.jar"
        cp -r "$DIST/conf/." "$HOME_DIR/conf/"
        ln -sfn "$DIST/lib/lib" "$HOME_DIR/lib/lib"
        ln -sfn "$DIST/lib/app" "$HOME_DIR/lib/app"
        echo "$KEYCLOAK_VERSION" >"$HOME_DIR/.version"
    fi
    # A database made from another realm file would keep the old realm (the import
    # skips realms that exist): start from an empty one.
    local made_from
    made_from="$KEYCLOAK_VERSION $(sha256sum "$REALM_FILE" | cut -d' ' -f1)"
    if [[ "$(cat "$DB_STAMP" 2>/dev/null)" != "$made_from" ]]; then
        rm -rf "$HOME_DIR/data/h2"
        echo "$made_from" >"$DB_STAMP"
    fi
    rm -rf "$HOME_DIR/data/import"
    mkdir -p "$HOME_DIR/data/import"
    cp "$REALM_FILE" "$HOME_DIR/data/import/"
}

kc_command() {
    # The JVM command line kc.sh would run, with the Keycloak home of this state directory.
    KC=("$(java_bin)" -Xms64m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
        -Dkc.home.dir="$HOME_DIR" -Djboss.server.config.dir="$HOME_DIR/conf"
        -Djava.util.logging.manager=org.jboss.logmanager.LogManager
        -Dpicocli.disable.closures=true -Dquarkus-log-max-startup-records=10000
        -Djava.util.concurrent.ForkJoinPool.common.threadFactory=io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory
        -cp "$HOME_DIR/lib/quarkus-run.jar" io.quarkus.bootstrap.runner.QuarkusEntryPoint)
}

build() {
    # Keycloak bakes its build-time options into lib/quarkus (Quarkus augmentation,
    # ~25 s): once per state directory and options; every start is then --optimized.
    local wanted="$KEYCLOAK_VERSION ${BUILD_OPTIONS[*]}"
    [[ "$(cat "$BUILD_STAMP" 2>/dev/null)" == "$wanted" ]] && return 0
    log "building Keycloak for its options (once per state directory)"
    kc_command
    "${KC[@]}" build "${BUILD_OPTIONS[@]}" </dev/null >>"$LOG_FILE" 2>&1 \
        || { tail -n 40 "$LOG_FILE" >&2; die "kc build failed"; }
    echo "$wanted" >"$BUILD_STAMP"
}

serve() {
    # Runs in the background under setsid: write our pid, then become the JVM.
    echo $$ >"$PID_FILE"
    kc_command
    export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
    exec "${KC[@]}" start --optimized --http-enabled=true --http-host="$HOST" \
        --http-port="$PORT" --http-management-port="$MANAGEMENT_PORT" \
        --hostname-strict=false --cache=local --import-realm \
        --log-level=WARN,io.quarkus:INFO,org.keycloak.services:INFO,org.keycloak.exportimport:INFO
}

start() {
    if realm_served; then
        log "already running on $HOST:$PORT"
        return 0
    fi
    if port_open "$PORT"; then
        die "something answers on $HOST:$PORT but serves no realm $REALM"
    fi
    [[ -f "$REALM_FILE" ]] || die "realm file $REALM_FILE missing"
    fetch_dist
    mkdir -p "$STATE_DIR"
    : >"$LOG_FILE"
    prepare_home
    local started=$SECONDS
    build
    rm -f "$PID_FILE"
    # setsid: the server outlives the calling shell and its Ctrl-C.
    setsid bash "${BASH_SOURCE[0]}" __serve </dev/null >>"$LOG_FILE" 2>&1 &
    local deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if realm_served; then
            log "started on $HOST:$PORT in $((SECONDS - started)) s, realm $REALM (log: $LOG_FILE)"
            return 0
        fi
        if [[ -f "$PID_FILE" ]] && ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
            tail -n 40 "$LOG_FILE" >&2
            die "Keycloak exited during start-up"
        fi
        sleep 0.5
    done
    tail -n 40 "$LOG_FILE" >&2
    stop || true
    die "Keycloak did not serve realm $REALM on $HOST:$PORT within $START_TIMEOUT s"
}

stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PID_FILE"
        if port_open "$PORT"; then
            die "something answers on $HOST:$PORT but it was not started by this script"
        fi
        log "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        log "no clean shutdown within 30 s; killing $pid"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE"
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if realm_served; then echo "running on $HOST:$PORT, realm $REALM"; else echo "not running"; exit 1; fi
        ;;
    url) echo "$ISSUER" ;;
    __serve) serve ;;
    *) echo "usage: $0 {start|stop|status|url}" >&2; exit 2 ;;
esac
