#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# A throwaway single-node Apache Kafka (KRaft: broker and controller in one
# process) for tests and local development.
#
#   scripts/services/kafka.sh start       fetch the jars if needed, format, start, wait
#   scripts/services/kafka.sh stop        stop the broker this script started
#   scripts/services/kafka.sh status      exit 0 when the broker answers
#   scripts/services/kafka.sh bootstrap   print the bootstrap address
#   scripts/services/kafka.sh tools-classpath
#                                         fetch the client tools if needed and print
#                                         their classpath (the Java console producer
#                                         org.apache.kafka.tools.ConsoleProducer and
#                                         kafka-clients, for tests that produce as a
#                                         creditor's Java client would)
#
# The jars come from Maven Central (org.apache.kafka:kafka_2.13 and its runtime
# dependencies) into a cache that survives across runs:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/vroegsignaal/kafka-<version>/libs
# The tools (org.apache.kafka:kafka-tools and its runtime dependencies) go to a
# directory of their own beside it, .../kafka-<version>/tools, so fetching them
# never replaces the jars of a broker that is running.
# State (log dir, config, pid, log) lives under var/kafka/ in the repository.
#
# Environment: KAFKA_VERSION (default 4.1.1), VROEGSIGNAAL_KAFKA_PORT (59092),
# VROEGSIGNAAL_KAFKA_CONTROLLER_PORT (59093), VROEGSIGNAAL_KAFKA_START_TIMEOUT (90 s),
# VROEGSIGNAAL_KAFKA_STATE_DIR (var/kafka): a second broker for a test that restarts
# it sets its own ports and state directory, and shares the cached jars.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
LOG4J_VERSION="2.24.3"  # the log4j2 release Kafka 4.1 is built against; adds the slf4j binding
SLF4J_VERSION="1.7.36"  # the slf4j Kafka 4.1 clients log through
HOST="127.0.0.1"
PORT="${VROEGSIGNAAL_KAFKA_PORT:-59092}"
CONTROLLER_PORT="${VROEGSIGNAAL_KAFKA_CONTROLLER_PORT:-59093}"
START_TIMEOUT="${VROEGSIGNAAL_KAFKA_START_TIMEOUT:-90}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${VROEGSIGNAAL_KAFKA_STATE_DIR:-$REPO_ROOT/var/kafka}"
DATA_DIR="$STATE_DIR/data"
CONFIG="$STATE_DIR/server.properties"
LOG4J_CONFIG="$STATE_DIR/log4j2.properties"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
CLUSTER_ID_FILE="$STATE_DIR/cluster-id"

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/vroegsignaal"
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
TOOLS="$KAFKA_HOME/tools"
MAVEN_REPO="$CACHE_ROOT/m2"

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() {
    # bash's /dev/tcp: no client tools needed.
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

is_running() { port_open "$PORT"; }

our_pid() {
    # Print the pid of the broker this script started, if it is still alive.
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
    echo "$pid"
}

# maven_fetch DIR MARKER-JAR DEPENDENCY-XML...: copy the runtime closure of the given
# dependencies into DIR; only a complete fetch replaces DIR.
maven_fetch() {
    local dir="$1" marker="$2"
    shift 2
    [[ -f "$dir/$marker" ]] && return 0
    command -v java >/dev/null || die "java (17 or later) is needed"
    command -v mvn >/dev/null || die "mvn is needed to fetch Kafka from Maven Central"
    log "fetching $marker and its dependencies from Maven Central into $dir"
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/vroegsignaal-kafka-fetch.XXXXXX")"
    cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nl.vroegsignaal.local</groupId>
  <artifactId>kafka-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$*
  </dependencies>
</project>
POM
    mkdir -p "$KAFKA_HOME"
    rm -rf "$dir.partial"
    if ! mvn -B -Dstyle.color=never -f "$work/pom.xml" -Dmaven.repo.local="$MAVEN_REPO" \
            dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$dir.partial" >"$work/mvn.log" 2>&1; then
        tail -n 40 "$work/mvn.log" >&2
        rm -rf "$work" "$dir.partial"
        die "Maven could not fetch $marker"
    fi
    rm -rf "$work"
    [[ -f "$dir.partial/$marker" ]] || die "fetch incomplete: $marker"
    rm -rf "$dir"
    mv "$dir.partial" "$dir"  # only a complete fetch becomes the cache
}

fetch_jars() {
    maven_fetch "$LIBS" "kafka_2.13-$KAFKA_VERSION.jar" "
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <!-- Kafka logs through slf4j 1.7; this routes it to log4j2 (as the binary distribution does). -->
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>"
}

fetch_tools() {
    # kafka-tools holds the console producer; slf4j-nop keeps the tools quiet.
    maven_fetch "$TOOLS" "kafka-tools-$KAFKA_VERSION.jar" "
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>"
}

write_config() {
    mkdir -p "$DATA_DIR"
    cat >"$CONFIG" <<PROPS
# Generated by scripts/services/kafka.sh; edits are overwritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
auto.create.topics.enable=true
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
log.retention.hours=24
PROPS
    cat >"$LOG4J_CONFIG" <<'LOG4J'
# Generated by scripts/services/kafka.sh: warnings only, plus the start-up line.
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
LOG4J
}

java_opts() {
    echo "-Xms128m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true"
    echo "-Dlog4j2.configurationFile=file:$LOG4J_CONFIG"
}

format_storage() {
    [[ -f "$DATA_DIR/meta.properties" ]] && return 0
    local cluster_id
    if [[ -s "$CLUSTER_ID_FILE" ]]; then
        cluster_id="$(cat "$CLUSTER_ID_FILE")"
    else
        # shellcheck disable=SC2046
        cluster_id="$(java $(java_opts) -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
        echo "$cluster_id" >"$CLUSTER_ID_FILE"
    fi
    log "formatting $DATA_DIR (cluster id $cluster_id)"
    # shellcheck disable=SC2046
    java $(java_opts) -cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
        -t "$cluster_id" -c "$CONFIG" >>"$LOG_FILE" 2>&1 \
        || { tail -n 30 "$LOG_FILE" >&2; die "kafka.tools.StorageTool format failed"; }
}

start() {
    if is_running; then
        log "already running on $HOST:$PORT"
        return 0
    fi
    fetch_jars
    mkdir -p "$STATE_DIR"
    : >"$LOG_FILE"
    write_config
    format_storage
    local started=$SECONDS
    # A pid file left by a machine that went down would read as "exited during start-up".
    rm -f "$PID_FILE"
    # setsid: the broker outlives the calling shell and its Ctrl-C; the inner
    # shell writes its own pid and then becomes the JVM.
    # shellcheck disable=SC2046
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
        java $(java_opts) -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
        </dev/null >>"$LOG_FILE" 2>&1 &
    local deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if is_running && grep -q 'Kafka Server started' "$LOG_FILE"; then
            log "started on $HOST:$PORT in $((SECONDS - started)) s (log: $LOG_FILE)"
            return 0
        fi
        if [[ -f "$PID_FILE" ]] && ! our_pid >/dev/null; then
            tail -n 40 "$LOG_FILE" >&2
            die "the broker exited during start-up"
        fi
        sleep 0.5
    done
    tail -n 40 "$LOG_FILE" >&2
    stop || true
    die "the broker did not answer on $HOST:$PORT within $START_TIMEOUT s"
}

stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$PID_FILE"
        if is_running; then
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
        if is_running; then echo "running on $HOST:$PORT"; else echo "not running"; exit 1; fi
        ;;
    bootstrap) echo "$HOST:$PORT" ;;
    tools-classpath) fetch_tools; echo "$TOOLS/*" ;;
    *) echo "usage: $0 {start|stop|status|bootstrap|tools-classpath}" >&2; exit 2 ;;
esac
