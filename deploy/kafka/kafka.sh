#!/usr/bin/env bash
# Single-node Apache Kafka broker (KRaft, combined broker+controller) for local
# development and CI. No Docker: the broker jars come from Maven Central through
# the pom.xml beside this script and run on the local JDK (17+).
#
#   kafka.sh fetch    download the jars into $G2G_HOME/kafka/<version>/libs (once)
#   kafka.sh start    fetch if needed, format storage once, start, wait until it serves
#   kafka.sh stop     stop the broker started by this script (no error if not running)
#   kafka.sh status   say whether it runs (exit 0 serving, 3 not running)
#   kafka.sh reset    stop and delete the data dir
#   kafka.sh logs [N] print the last N (default 50) lines of the broker log
#   kafka.sh fetch-tools
#                     download Kafka's own tools (org.apache.kafka:kafka-tools, same version,
#                     through tools-pom.xml) into $G2G_HOME/kafka/<version>/tools-libs (once)
#   kafka.sh tool CLASS [ARGS...]
#                     fetch the tools if needed and run one of them, e.g.
#                     kafka.sh tool org.apache.kafka.tools.ProducerPerformance --help
#                     (heap: KAFKA_TOOLS_HEAP_OPTS, default "-Xmx512m"; logs errors only, to stderr)
#   kafka.sh configs ARGS...
#                     Kafka's kafka-configs (kafka.admin.ConfigCommand, among the broker's own jars: no
#                     tools fetch) against this broker's PLAINTEXT listener, e.g. a SCRAM user:
#                     kafka.sh configs --alter --entity-type users --entity-name alice \
#                       --add-config 'SCRAM-SHA-512=[password=...]'
#
# Environment (all optional):
#   G2G_HOME               default $HOME/.g2g        (cache: $G2G_HOME/kafka)
#   KAFKA_VERSION          default 4.3.1              (org.apache.kafka:kafka_2.13; 4.0.2 and 4.4.0 also checked)
#   KAFKA_PORT             default 9092               (PLAINTEXT://127.0.0.1:$KAFKA_PORT)
#   KAFKA_CONTROLLER_PORT  default 9093               (KRaft controller listener)
#   KAFKA_NUM_PARTITIONS   default 4                  (for auto-created topics)
#   KAFKA_HEAP_OPTS        default "-Xms256m -Xmx512m"
#   KAFKA_TOOLS_HEAP_OPTS  default "-Xmx512m"        (kafka.sh tool)
#   KAFKA_START_TIMEOUT    default 90                 (seconds)
#   KAFKA_STOP_TIMEOUT     default 30                 (seconds before SIGKILL)
#   KAFKA_DATA_DIR         default $G2G_HOME/kafka/data  (log.dirs)
#   KAFKA_RUN_DIR          default $G2G_HOME/kafka/run   (pid, log, generated configs; a run dir of
#                          its own also gets a lock of its own, so a second broker started with
#                          other ports and dirs never waits for, nor touches, the first)
#   KAFKA_EXTRA_CONFIG     a file of broker properties appended to the generated server.properties;
#                          a key given again there wins (e.g. listeners: more of them, TLS, SASL).
#                          The readiness checks speak PLAINTEXT to 127.0.0.1:KAFKA_PORT, so keep
#                          that listener among them
#   KAFKA_ADD_SCRAM        SCRAM users written into the storage when it is first formatted, one per
#                          line, as kafka-storage.sh format --add-scram takes them:
#                          SCRAM-SHA-512=[name=alice,password=...] (for throwaway brokers: the
#                          password is on the format tool's command line)
#   JAVA                   default $JAVA_HOME/bin/java or java
#   MVN                    default mvn
#
# Files: data (log.dirs) in $G2G_HOME/kafka/data; pid, log, generated
# server.properties and log4j2 config in $G2G_HOME/kafka/run (KAFKA_DATA_DIR and
# KAFKA_RUN_DIR move them; the jars stay in the shared cache).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# 4.x: newest release on Maven Central whose full artifact set resolves and that
# kafkajs 2.2.4 works against (checked with check-kafkajs.mjs beside this script).
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
G2G_HOME="${G2G_HOME:-$HOME/.g2g}"
KAFKA_BASE="$G2G_HOME/kafka"
VERSION_DIR="$KAFKA_BASE/$KAFKA_VERSION"
LIBS_DIR="$VERSION_DIR/libs"
LIBS_MARKER="$VERSION_DIR/.libs-complete"
TOOLS_LIBS_DIR="$VERSION_DIR/tools-libs"
TOOLS_LIBS_MARKER="$VERSION_DIR/.tools-libs-complete"
DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_BASE/data}"
RUN_DIR="${KAFKA_RUN_DIR:-$KAFKA_BASE/run}"
PID_FILE="$RUN_DIR/kafka.pid"
ADDR_FILE="$RUN_DIR/kafka.addr"
LOG_FILE="$RUN_DIR/kafka.log"
SERVER_PROPS="$RUN_DIR/server.properties"
LOG4J_BROKER="$RUN_DIR/log4j2.properties"
LOG4J_TOOLS="$RUN_DIR/log4j2-tools.properties"
if [[ -n "${KAFKA_RUN_DIR:-}" ]]; then LOCK_FILE="$RUN_DIR/.lock"; else LOCK_FILE="$KAFKA_BASE/.lock"; fi

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-4}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_TOOLS_HEAP_OPTS="${KAFKA_TOOLS_HEAP_OPTS:--Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"
if [[ -z "${JAVA:-}" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
fi

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

lock() {
  # Serialise concurrent invocations (e.g. two CI steps calling start at once).
  mkdir -p "$KAFKA_BASE" "$(dirname "$LOCK_FILE")"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "could not lock $LOCK_FILE"
  fi
}

# ---------------------------------------------------------------- probes

# True when something accepts TCP connections on host:port.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# True when a Kafka broker answers an ApiVersions (v0) request on host:port with
# error_code 0. A KRaft broker only starts processing requests once it has caught
# up with the metadata log and is unfenced, so this means "really serving".
kafka_answers() {
  local out
  out=$(timeout 4 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    # size=13 | api_key=18 (ApiVersions) | api_version=0 | correlation_id=0x67326701 | client_id="g2g"
    printf "\x00\x00\x00\x0d\x00\x12\x00\x00\x67\x32\x67\x01\x00\x03g2g" >&3
    head -c 10 <&3 | od -An -tx1
  ' "$1" "$2" 2>/dev/null) || return 1
  out=$(tr -d ' \n' <<<"$out")
  # response: size(4) correlation_id(4) error_code(2)
  [[ ${#out} -eq 20 && ${out:8:8} == 67326701 && ${out:16:4} == 0000 ]]
}

# Pid from the pid file when that process is alive and is our broker.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be a kafka.Kafka JVM.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  echo "$pid"
}

# Metadata round trip through Kafka's own AdminClient (describeCluster + listTopics).
admin_check() {
  local timeout_ms="${1:-10000}"
  write_log4j
  "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    -cp "$LIBS_DIR/*" "$SCRIPT_DIR/KafkaReady.java" "$KAFKA_HOST:$KAFKA_PORT" "$timeout_ms"
}

# ---------------------------------------------------------------- fetch

libs_present() {
  [[ -f "$LIBS_MARKER" && -f "$LIBS_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]]
}

do_fetch() {
  if libs_present; then
    say "Kafka $KAFKA_VERSION jars already in $LIBS_DIR"
    return 0
  fi
  maven_fetch pom.xml kafka_2.13 "$LIBS_DIR" "$LIBS_MARKER" fetch "jars" "Kafka"
}

# maven_fetch POM ARTIFACT DEST MARKER NAME WHAT NEEDED_FOR: copies the runtime dependencies of
# the pom beside this script into DEST (through a temp folder, so that DEST is complete or
# absent), checks that ARTIFACT-$KAFKA_VERSION.jar is among them and writes MARKER.
maven_fetch() {
  local pom="$1" artifact="$2" dest="$3" marker="$4" name="$5" what="$6" needed_for="$7"
  command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') not found; it is needed to fetch $needed_for"
  say "fetching Kafka $KAFKA_VERSION $what from Maven Central into $dest ..."
  local t0=$SECONDS tmp="$dest.tmp.$$" log="$VERSION_DIR/$name.log"
  mkdir -p "$VERSION_DIR"
  rm -rf "$tmp"
  # The pom is only a dependency list; run Maven from a scratch dir so it leaves
  # nothing (target/) in the repository.
  # Output goes to a file (Debian's Maven prints stray ANSI resets even with -q)
  # and is shown only when Maven fails.
  if ! (cd "$VERSION_DIR" && "$MVN" -q -B -Dstyle.color=never -f "$SCRIPT_DIR/$pom" \
        -Dkafka.version="$KAFKA_VERSION" \
        dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime) \
        >"$log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
    rm -rf "$tmp"
    die "Maven could not fetch org.apache.kafka:$artifact:$KAFKA_VERSION (output above, also in $log)"
  fi
  [[ -f "$tmp/$artifact-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "$artifact-$KAFKA_VERSION.jar missing after fetch"; }
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "$KAFKA_VERSION" >"$marker"
  say "fetched $(ls "$dest" | wc -l) jars ($(du -sh "$dest" | cut -f1)) in $((SECONDS - t0))s"
}

# Kafka's command-line tools (kafka-tools and what it needs), in a folder of their own so that
# the broker's classpath stays as it is.
tools_present() {
  [[ -f "$TOOLS_LIBS_MARKER" && -f "$TOOLS_LIBS_DIR/kafka-tools-$KAFKA_VERSION.jar" ]]
}

do_fetch_tools() {
  if tools_present; then
    say "Kafka $KAFKA_VERSION tools already in $TOOLS_LIBS_DIR"
    return 0
  fi
  maven_fetch tools-pom.xml kafka-tools "$TOOLS_LIBS_DIR" "$TOOLS_LIBS_MARKER" fetch-tools "tools" "Kafka's tools"
}

# Runs one of Kafka's tools in the foreground (this process becomes the JVM). The lock is held
# only while fetching, so a long tool run does not hold up start or stop.
do_tool() {
  [[ $# -ge 1 ]] || die "usage: kafka.sh tool CLASS [ARGS...]"
  if ! tools_present; then
    (lock; do_fetch_tools) >&2
  fi
  check_java
  [[ -f "$LOG4J_TOOLS" ]] || write_log4j
  local class="$1"
  shift
  # shellcheck disable=SC2086 # the heap options are a list
  exec "$JAVA" $KAFKA_TOOLS_HEAP_OPTS -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    -cp "$TOOLS_LIBS_DIR/*" "$class" "$@"
}

# kafka-configs against this broker (SCRAM users, topic and broker configs), from the broker's jars.
do_configs() {
  libs_present || die "Kafka $KAFKA_VERSION is not fetched yet (kafka.sh fetch)"
  check_java
  [[ -f "$LOG4J_TOOLS" ]] || write_log4j
  # shellcheck disable=SC2086 # the heap options are a list
  exec "$JAVA" $KAFKA_TOOLS_HEAP_OPTS -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    -cp "$LIBS_DIR/*" kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" "$@"
}

# ---------------------------------------------------------------- config

write_log4j() {
  mkdir -p "$RUN_DIR"
  # Broker: everything to stdout, which start redirects to kafka.log. Kafka 4.x
  # ships log4j2.yaml, which would need jackson-dataformat-yaml wiring; a
  # .properties config needs nothing beyond log4j-core.
  cat >"$LOG4J_BROKER" <<'EOF'
status = warn
name = g2g-kafka
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.netclient.name = org.apache.kafka.clients.NetworkClient
logger.netclient.level = warn
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = warn
EOF
  # Tools (readiness check): quiet, warnings to stderr.
  cat >"$LOG4J_TOOLS" <<'EOF'
status = error
name = g2g-kafka-tools
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %p %m (%c)%n
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

write_server_properties() {
  mkdir -p "$RUN_DIR"
  cat >"$SERVER_PROPS" <<EOF
# Generated by deploy/kafka/kafka.sh (rewritten on every start). Kafka $KAFKA_VERSION.
# KRaft, one process that is both broker and controller; static one-voter quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT

log.dirs=$DATA_DIR

# Single node: every internal topic with replication factor 1.
num.partitions=$KAFKA_NUM_PARTITIONS
# a chunk message of the platform carries a thousand rows (docs/adr/0010)
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Message size: the platform creates its topics with max.message.bytes=8388608
# (libs/messaging/src/produce-requests.ts) and keeps each produce request under 512 KiB; the
# broker's own default (1048588) applies to topics created otherwise. The same here.
message.max.bytes=8388608
replica.fetch.max.bytes=8388608

# Dev/CI behaviour.
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=104857600
EOF
  if [[ -n "${KAFKA_EXTRA_CONFIG:-}" ]]; then
    [[ -r "$KAFKA_EXTRA_CONFIG" ]] || die "KAFKA_EXTRA_CONFIG: cannot read $KAFKA_EXTRA_CONFIG"
    { printf '\n# From %s (KAFKA_EXTRA_CONFIG); a key set here wins over the one above.\n' "$KAFKA_EXTRA_CONFIG"
      cat "$KAFKA_EXTRA_CONFIG"; } >>"$SERVER_PROPS"
  fi
}

# Kafka's Uuid: 16 random bytes, base64url without padding, not starting with '-'.
random_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ ${#id} -eq 22 && $id != -* && $id != AAAAAAAAAAAAAAAAAAAAA* ]] && break
  done
  echo "$id"
}

format_storage_once() {
  local marker="$DATA_DIR/.g2g-kafka-version"
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    local formatted_by
    formatted_by=$(cat "$marker" 2>/dev/null || echo unknown)
    if [[ "$formatted_by" == "$KAFKA_VERSION" ]]; then
      return 0
    fi
    # Dev/CI data only: a data dir from another Kafka version (a downgrade would not
    # even start) is wiped rather than left to fail in obscure ways.
    say "data dir was formatted by Kafka $formatted_by, this is $KAFKA_VERSION: wiping $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi
  mkdir -p "$DATA_DIR"
  local cluster_id
  cluster_id=$(random_cluster_id)
  # SCRAM users of a KRaft cluster live in its metadata log: the format tool can write them there
  # before the broker first starts, so a client can authenticate from the first request on.
  local scram=() line
  while IFS= read -r line; do
    [[ -n "$line" ]] && scram+=(--add-scram "$line")
  done <<<"${KAFKA_ADD_SCRAM:-}"
  say "formatting storage in $DATA_DIR (cluster id $cluster_id${scram[*]:+, $((${#scram[@]} / 2)) SCRAM user(s)})"
  if ! "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$LOG4J_TOOLS" -cp "$LIBS_DIR/*" \
       kafka.tools.StorageTool format -t "$cluster_id" -c "$SERVER_PROPS" --ignore-formatted "${scram[@]}" \
       >"$RUN_DIR/format.log" 2>&1; then
    cat "$RUN_DIR/format.log" >&2
    die "formatting storage failed"
  fi
  echo "$KAFKA_VERSION" >"$marker"
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  local v
  v=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  [[ "$v" =~ ^[0-9]+$ ]] || v=0   # 1.8 and older
  if [[ "${KAFKA_VERSION%%.*}" -ge 4 && "$v" -lt 17 ]]; then
    die "Kafka $KAFKA_VERSION needs Java 17+, '$JAVA' is Java ${v/#0/<9}"
  fi
}

# ---------------------------------------------------------------- commands

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "---- last ${1:-40} lines of $LOG_FILE ----" >&2
    tail -n "${1:-40}" "$LOG_FILE" >&2
    echo "----" >&2
  fi
}

wait_until_serving() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT)) info
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail 60
      rm -f "$PID_FILE"
      die "Kafka exited during startup (log above: $LOG_FILE)"
    fi
    if kafka_answers "$KAFKA_HOST" "$KAFKA_PORT"; then
      break
    fi
    if ((SECONDS >= deadline)); then
      log_tail 60
      stop_pid "$pid" >/dev/null 2>&1 || true
      die "Kafka did not serve on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (stopped it; log above: $LOG_FILE)"
    fi
    sleep 0.5
  done
  # Final confirmation: a Metadata round trip with Kafka's own AdminClient.
  while :; do
    if info=$(admin_check 10000 2>"$RUN_DIR/ready.err"); then
      echo "$info"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      cat "$RUN_DIR/ready.err" >&2 || true
      log_tail 60
      stop_pid "$pid" >/dev/null 2>&1 || true
      die "Kafka answered ApiVersions but not a metadata request within ${KAFKA_START_TIMEOUT}s"
    fi
    sleep 1
  done
}

do_start() {
  lock
  local pid
  if pid=$(running_pid); then
    local addr
    addr=$(cat "$ADDR_FILE" 2>/dev/null || echo "?")
    if [[ "$addr" != "$KAFKA_HOST:$KAFKA_PORT" ]]; then
      die "Kafka started by this script already runs on $addr (pid $pid); run 'kafka.sh stop' first"
    fi
    if kafka_answers "$KAFKA_HOST" "$KAFKA_PORT"; then
      say "Kafka already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
      return 0
    fi
    say "Kafka (pid $pid) is starting; waiting for it"
    local t0=$SECONDS info
    info=$(wait_until_serving "$pid")
    say "Kafka ready on $KAFKA_HOST:$KAFKA_PORT after $((SECONDS - t0))s ($info)"
    return 0
  fi
  if kafka_answers "$KAFKA_HOST" "$KAFKA_PORT"; then
    say "a Kafka broker is already serving on $KAFKA_HOST:$KAFKA_PORT (not started by this script); leaving it alone"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is in use by something that is not a Kafka broker"
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_CONTROLLER_PORT is in use (set KAFKA_CONTROLLER_PORT)"
  fi

  check_java
  do_fetch
  write_log4j
  write_server_properties
  format_storage_once

  local t0=$SECONDS
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  say "starting Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (log: $LOG_FILE)"
  # setsid: own session, so the broker outlives this shell and a CI step's
  # process group; fd 9 (the lock) must not leak into the broker.
  # shellcheck disable=SC2086
  (
    cd "$RUN_DIR"
    exec setsid "$JAVA" $KAFKA_HEAP_OPTS \
      -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J_BROKER" -Dkafka.logs.dir="$RUN_DIR" \
      -cp "$LIBS_DIR/*" kafka.Kafka "$SERVER_PROPS"
  ) </dev/null >"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$KAFKA_HOST:$KAFKA_PORT" >"$ADDR_FILE"
  local info
  info=$(wait_until_serving "$pid")
  say "Kafka ready on $KAFKA_HOST:$KAFKA_PORT in $((SECONDS - t0))s (pid $pid; $info)"
}

# Send TERM, wait for exit, KILL after KAFKA_STOP_TIMEOUT.
stop_pid() {
  local pid="$1" deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "Kafka (pid $pid) did not stop within ${KAFKA_STOP_TIMEOUT}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE" "$ADDR_FILE"
}

do_stop() {
  lock
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    if kafka_answers "$KAFKA_HOST" "$KAFKA_PORT"; then
      say "Kafka not started by this script, but a broker serves on $KAFKA_HOST:$KAFKA_PORT; leaving it alone"
    else
      say "Kafka not running"
    fi
    return 0
  fi
  local t0=$SECONDS
  say "stopping Kafka (pid $pid) ..."
  stop_pid "$pid"
  say "Kafka stopped in $((SECONDS - t0))s"
}

do_status() {
  local pid
  if pid=$(running_pid); then
    local addr
    addr=$(cat "$ADDR_FILE" 2>/dev/null || echo "$KAFKA_HOST:$KAFKA_PORT")
    if kafka_answers "${addr%:*}" "${addr##*:}"; then
      say "running (pid $pid), serving on $addr, Kafka $(tr -d '\n' <"$DATA_DIR/.g2g-kafka-version" 2>/dev/null || echo '?')"
      return 0
    fi
    say "process running (pid $pid) but not serving on $addr (starting or stuck; see $LOG_FILE)"
    return 3
  fi
  if kafka_answers "$KAFKA_HOST" "$KAFKA_PORT"; then
    say "a broker not started by this script serves on $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  say "not running"
  return 3
}

do_reset() {
  do_stop
  if [[ -d "$DATA_DIR" ]]; then
    rm -rf "$DATA_DIR"
    say "deleted $DATA_DIR"
  else
    say "no data dir to delete ($DATA_DIR)"
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

cmd="${1:-}"
case "$cmd" in
  fetch) lock; do_fetch ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  fetch-tools) lock; do_fetch_tools ;;
  tool) shift; do_tool "$@" ;;
  configs) shift; do_configs "$@" ;;
  logs) if [[ -f "$LOG_FILE" ]]; then tail -n "${2:-50}" "$LOG_FILE"; else say "no log yet ($LOG_FILE)"; fi ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
