#!/usr/bin/env bash
# A local three-node PostgreSQL cluster under Patroni, with one etcd member, on loopback.
#
#   cluster.sh up             install what is missing, start etcd and three nodes, wait until
#                             there is a leader and a synchronous standby, print the URL
#   cluster.sh status         the members (patronictl list)
#   cluster.sh url [DB]       the multi-host libpq URL (database DB, default postgres)
#   cluster.sh failover-test  crash the leader, time the failover, check the URL still writes
#   cluster.sh down           stop everything, keep the data
#   cluster.sh destroy        stop everything and delete the state directory
#
# Environment:
#   TENANTRY_PATRONI_HOME     state directory (default /var/tmp/tenantry-patroni)
#   TENANTRY_PATRONI_TIMEOUT  seconds `up` and `failover-test` wait (default 180)
#   TENANTRY_PATRONI_SCOPE    the Patroni scope, one per cluster (default tenantry)
#   TENANTRY_PATRONI_PORT_OFFSET  added to every port (default 0), so a second cluster (a
#                             second cell) runs beside the first: e.g. 10 gives etcd
#                             2389/2390, REST 8018-8020, PostgreSQL 5443-5445
#   TENANTRY_PG_BIN           PostgreSQL's bin directory (default: newest /usr/lib/postgresql/*/bin)
#
# Runs as root (processes run as the system user postgres) or as postgres itself.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly TEMPLATE="$SCRIPT_DIR/patroni-node.yml.template"
readonly STATE="${TENANTRY_PATRONI_HOME:-/var/tmp/tenantry-patroni}"
readonly TIMEOUT="${TENANTRY_PATRONI_TIMEOUT:-180}"
readonly SCOPE="${TENANTRY_PATRONI_SCOPE:-tenantry}"
readonly OFFSET="${TENANTRY_PATRONI_PORT_OFFSET:-0}"
readonly MARKER="$STATE/.tenantry-patroni"
readonly RUN="$STATE/run"
readonly LOGS="$STATE/log"
readonly SECRETS="$STATE/secrets"
readonly PG_USER=postgres
[[ $OFFSET =~ ^[0-9]{1,3}$ ]] || { printf 'cluster.sh: error: TENANTRY_PATRONI_PORT_OFFSET must be 0 to 999, not %s\n' "$OFFSET" >&2; exit 1; }
[[ $SCOPE =~ ^[a-z][a-z0-9-]{0,40}$ ]] || { printf 'cluster.sh: error: TENANTRY_PATRONI_SCOPE must be lower-case letters, digits and -, not %s\n' "$SCOPE" >&2; exit 1; }
readonly ETCD_PORT=$((2379 + OFFSET)) ETCD_PEER_PORT=$((2380 + OFFSET))
readonly NODES=(node1 node2 node3)
readonly PATRONI=/usr/bin/patroni PATRONICTL=/usr/bin/patronictl ETCD=/usr/bin/etcd PY=/usr/bin/python3
# The Debian python3 with Debian's modules, whatever python3 comes first in PATH.
unset PYTHONPATH PYTHONHOME

die() { printf 'cluster.sh: error: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

node_index() { echo "${1#node}"; }
rest_port() { echo $((8007 + OFFSET + $(node_index "$1"))); }
pg_port() { echo $((5432 + OFFSET + $(node_index "$1"))); }
node_dir() { echo "$STATE/$1"; }
node_config() { echo "$STATE/$1/patroni.yml"; }

# Runs a command as the postgres system user.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

check_user() {
    local me
    me="$(id -un)"
    [[ $me == root || $me == "$PG_USER" ]] || die "run as root or as $PG_USER, not $me"
}

check_state_path() {
    [[ $STATE == /* ]] || die "TENANTRY_PATRONI_HOME must be an absolute path, not '$STATE'"
    [[ $STATE =~ ^[A-Za-z0-9/._-]+$ ]] || die "TENANTRY_PATRONI_HOME may contain only letters, digits and / . _ - ('$STATE')"
    [[ $STATE != / && ${#STATE} -le 70 ]] || die "TENANTRY_PATRONI_HOME '$STATE' is / or too long for a Unix socket path (70 characters at most)"
}

# --- installation ---------------------------------------------------------------------------

pg_bin_dir() {
    if [[ -n ${TENANTRY_PG_BIN:-} ]]; then
        [[ -x $TENANTRY_PG_BIN/postgres ]] || die "TENANTRY_PG_BIN=$TENANTRY_PG_BIN has no postgres binary"
        echo "$TENANTRY_PG_BIN"
        return
    fi
    local dir found=""
    # Globs sort lexically; keep the highest major version.
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x $dir/postgres && $(basename "$(dirname "$dir")") =~ ^[0-9]+$ ]] || continue
        if [[ -z $found ]] || (($(basename "$(dirname "$dir")") > $(basename "$(dirname "$found")"))); then
            found=$dir
        fi
    done
    [[ -n $found ]] || return 1
    echo "$found"
}

apt_install() {
    [[ $(id -u) -eq 0 ]] || die "missing packages ($*); run as root to install them, or: apt-get install $*"
    command -v apt-get >/dev/null || die "missing packages ($*) and no apt-get to install them"
    say "installing $* ..."
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"/tmp/tenantry-patroni-apt.log" 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >>"/tmp/tenantry-patroni-apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"/tmp/tenantry-patroni-apt.log" 2>&1 \
            || die "apt-get install $* failed; see /tmp/tenantry-patroni-apt.log"
    fi
}

ensure_installed() {
    local missing=()
    [[ -x $PATRONI && -x $PATRONICTL ]] || missing+=(patroni)
    [[ -x $ETCD ]] || missing+=(etcd-server)
    command -v etcdctl >/dev/null || missing+=(etcd-client)
    command -v psql >/dev/null || missing+=(postgresql-client)
    pg_bin_dir >/dev/null || missing+=(postgresql)
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
        stop_package_etcd
    fi
    [[ -x $PATRONI && -x $ETCD ]] || die "patroni or etcd still missing after apt-get install"
    pg_bin_dir >/dev/null || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set TENANTRY_PG_BIN)"
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        [[ $(id -u) -eq 0 ]] || die "no system user $PG_USER; run as root to create it"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
    fi
}

# Debian's etcd-server package starts its own etcd on 2379 where an init system runs; this
# cluster brings its own, so stop the package's (only when it was just installed).
stop_package_etcd() {
    if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
        systemctl stop etcd || true
        systemctl disable etcd >/dev/null 2>&1 || true
    fi
}

# --- processes ------------------------------------------------------------------------------

# The pid in $RUN/NAME.pid if that process is alive and is what it should be (its command line
# contains PATTERN); nothing otherwise.
live_pid() {
    local name=$1 pattern=$2 pid
    [[ -r $RUN/$name.pid ]] || return 1
    pid="$(<"$RUN/$name.pid")"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
    echo "$pid"
}

etcd_pid() { live_pid etcd "$ETCD"; }
patroni_pid() { live_pid "$1" "$(node_config "$1")"; }

# The postmaster of NODE, from its data directory, if it is alive.
postmaster_pid() {
    local pidfile pid
    pidfile="$(node_dir "$1")/data/postmaster.pid"
    [[ -r $pidfile ]] || return 1
    pid="$(head -n 1 "$pidfile")"
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$(node_dir "$1")/data" || return 1
    echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
    port_in_use "$1" && die "127.0.0.1:$1 ($2) is already taken by a process this script did not start; stop it first"
    return 0
}

# Starts a program as postgres in the background, detached, with a pid file and a log.
spawn() {
    local name=$1
    shift
    rm -f "$RUN/$name.pid"
    start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/$name.pid" \
        --chuid "$PG_USER" --chdir "$STATE" --output "$LOGS/$name.log" \
        --startas "$1" -- "${@:2}"
}

# Sends SIGTERM, waits up to SECONDS, then SIGKILL.
stop_pid() {
    local pid=$1 what=$2 seconds=${3:-60} i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < seconds * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    say "  $what (pid $pid) did not stop within ${seconds}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

http_get() {
    "$PY" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.stdout.write(response.read().decode())
PY
}

# --- state ----------------------------------------------------------------------------------

secret() { cat "$SECRETS/$1"; }

new_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

prepare_state() {
    check_state_path
    if [[ -e $STATE && ! -e $MARKER ]]; then
        [[ -d $STATE && -z $(ls -A "$STATE") ]] || die "$STATE exists and was not made by cluster.sh; choose another TENANTRY_PATRONI_HOME"
    fi
    install -d -m 0755 "$STATE"
    touch "$MARKER"
    # Generated once, kept until destroy; readable by root and postgres only.
    install -d -m 0700 -o "$PG_USER" -g "$(id -gn "$PG_USER")" "$SECRETS"
    local name
    for name in superuser replication rewind restapi; do
        if [[ ! -s $SECRETS/$name ]]; then
            (umask 077 && new_password >"$SECRETS/$name.new")
            chown "$PG_USER" "$SECRETS/$name.new"
            mv "$SECRETS/$name.new" "$SECRETS/$name"
        fi
    done
    install -d -m 0755 -o "$PG_USER" -g "$(id -gn "$PG_USER")" "$RUN" "$LOGS" "$STATE/etcd"
    chmod 0700 "$STATE/etcd"
    as_pg test -w "$RUN" || die "user $PG_USER cannot write to $RUN (is a parent of $STATE closed to it?)"

    local bin node dir content
    bin="$(pg_bin_dir)"
    for node in "${NODES[@]}"; do
        dir="$(node_dir "$node")"
        install -d -m 0700 -o "$PG_USER" -g "$(id -gn "$PG_USER")" "$dir" "$dir/log"
        content="$(<"$TEMPLATE")"
        content="${content//@NAME@/"$node"}"
        content="${content//@REST_PORT@/"$(rest_port "$node")"}"
        content="${content//@PG_PORT@/"$(pg_port "$node")"}"
        content="${content//@ETCD_PORT@/"$ETCD_PORT"}"
        content="${content//@SCOPE@/"$SCOPE"}"
        content="${content//@NODE_DIR@/"$dir"}"
        content="${content//@BIN_DIR@/"$bin"}"
        content="${content//@SUPERUSER_PASSWORD@/"$(secret superuser)"}"
        content="${content//@REPLICATION_PASSWORD@/"$(secret replication)"}"
        content="${content//@REWIND_PASSWORD@/"$(secret rewind)"}"
        content="${content//@RESTAPI_PASSWORD@/"$(secret restapi)"}"
        ! grep -qE '@[A-Z_]+@' <<<"$content" || die "unreplaced placeholder in $TEMPLATE"
        (umask 077 && printf '%s\n' "$content" >"$dir/patroni.yml.new")
        chown "$PG_USER" "$dir/patroni.yml.new"
        mv "$dir/patroni.yml.new" "$dir/patroni.yml"
    done
}

require_state() {
    check_state_path
    [[ -e $MARKER && -s $SECRETS/superuser ]] || die "no cluster in $STATE; run: cluster.sh up"
}

# --- cluster --------------------------------------------------------------------------------

url() {
    local db=${1:-postgres}
    printf 'postgresql://postgres:%s@127.0.0.1:%s,127.0.0.1:%s,127.0.0.1:%s/%s?target_session_attrs=read-write\n' \
        "$(secret superuser)" "$(pg_port node1)" "$(pg_port node2)" "$(pg_port node3)" "$db"
}

patronictl() { "$PATRONICTL" -c "$(node_config node1)" "$@"; }

# One line per member from `patronictl list -f json`: NAME ROLE STATE LAG PORT
members() {
    patronictl list -f json 2>/dev/null | "$PY" -c '
import json, sys
for m in json.load(sys.stdin):
    host = m.get("Host", "")
    port = host.rsplit(":", 1)[-1] if ":" in host else "5432"
    lag = m.get("Lag in MB", "")
    print(m["Member"], m["Role"].replace(" ", "_"), m["State"], lag if lag != "" else "-", port)
' 2>/dev/null
}

leader() { members | awk '$2 == "Leader" && $3 == "running" { print $1 }'; }
sync_standby() { members | awk '$2 == "Sync_Standby" && ($3 == "running" || $3 == "streaming") { print $1 }'; }

# Waits until there is a running leader other than NOT and a streaming synchronous standby
# (and, with ALL=3, three running members); prints nothing, returns 1 at the deadline.
wait_healthy() {
    local deadline=$1 need=${2:-2} ms
    while (($(date +%s) < deadline)); do
        ms="$(members || true)"
        if [[ -n $(awk '$2 == "Leader" && $3 == "running"' <<<"$ms") ]] &&
            [[ -n $(awk '$2 == "Sync_Standby" && ($3 == "running" || $3 == "streaming")' <<<"$ms") ]] &&
            (($(awk '$3 == "running" || $3 == "streaming"' <<<"$ms" | wc -l) >= need)); then
            return 0
        fi
        sleep 1
    done
    return 1
}

psql_url() { psql "$1" -X -q -v ON_ERROR_STOP=1 -t -A "${@:2}"; }

start_etcd() {
    local pid
    if pid="$(etcd_pid)"; then
        say "etcd already running (pid $pid)"
        return
    fi
    require_free_port "$ETCD_PORT" "etcd client"
    require_free_port "$ETCD_PEER_PORT" "etcd peer"
    spawn etcd "$ETCD" \
        --name tenantry-etcd --data-dir "$STATE/etcd" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "tenantry-etcd=http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster-token tenantry-patroni --initial-cluster-state new
    local i
    for ((i = 0; i < 150; i++)); do
        if http_get "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; then
            say "etcd started (pid $(<"$RUN/etcd.pid"), 127.0.0.1:$ETCD_PORT)"
            return
        fi
        etcd_pid >/dev/null || die "etcd exited at start; see $LOGS/etcd.log"
        sleep 0.2
    done
    die "etcd did not become healthy within 30s; see $LOGS/etcd.log"
}

start_node() {
    local node=$1 pid
    if pid="$(patroni_pid "$node")"; then
        say "$node already running (patroni pid $pid)"
        return
    fi
    if ! postmaster_pid "$node" >/dev/null; then
        require_free_port "$(pg_port "$node")" "$node PostgreSQL"
    fi
    require_free_port "$(rest_port "$node")" "$node REST API"
    spawn "$node" "$PATRONI" "$(node_config "$node")"
    sleep 0.5
    patroni_pid "$node" >/dev/null || die "$node's patroni exited at start; see $LOGS/$node.log"
    say "$node started (patroni pid $(<"$RUN/$node.pid"), PostgreSQL 127.0.0.1:$(pg_port "$node"), REST 127.0.0.1:$(rest_port "$node"))"
}

stop_node() {
    local node=$1 pid
    if pid="$(patroni_pid "$node")"; then
        say "stopping $node (patroni pid $pid)"
        stop_pid "$pid" "$node's patroni" 90
    fi
    rm -f "$RUN/$node.pid"
    # A postmaster left behind by a killed patroni.
    if pid="$(postmaster_pid "$node")"; then
        say "  stopping $node's PostgreSQL (pid $pid)"
        as_pg "$(pg_bin_dir)/pg_ctl" -D "$(node_dir "$node")/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            stop_pid "$pid" "$node's PostgreSQL" 30
    fi
}

# Every port a component that is not running yet will need, checked before starting anything.
preflight_ports() {
    if ! etcd_pid >/dev/null; then
        require_free_port "$ETCD_PORT" "etcd client"
        require_free_port "$ETCD_PEER_PORT" "etcd peer"
    fi
    local node
    for node in "${NODES[@]}"; do
        patroni_pid "$node" >/dev/null && continue
        postmaster_pid "$node" >/dev/null || require_free_port "$(pg_port "$node")" "$node PostgreSQL"
        require_free_port "$(rest_port "$node")" "$node REST API"
    done
}

cmd_up() {
    check_user
    check_state_path
    ensure_installed
    prepare_state
    preflight_ports
    start_etcd
    local node
    for node in "${NODES[@]}"; do start_node "$node"; done
    say "waiting up to ${TIMEOUT}s for a leader and a synchronous standby ..."
    local start deadline
    start="$(now)"
    deadline=$(($(date +%s) + TIMEOUT))
    if ! wait_healthy "$deadline" 3; then
        patronictl list >&2 || true
        die "no leader with a synchronous standby after ${TIMEOUT}s; see $LOGS/node*.log"
    fi
    say "cluster ready after $(elapsed "$start" "$(now)")s: leader $(leader), synchronous standby $(sync_standby)"
    # The database Tenantry's README uses; harmless if it exists.
    if [[ -z $(psql_url "$(url)" -c "SELECT 1 FROM pg_database WHERE datname = 'tenantry'") ]]; then
        psql_url "$(url)" -c 'CREATE DATABASE tenantry' >/dev/null
        say "created database tenantry"
    fi
    patronictl list
    say ""
    say "TENANTRY_DATABASE_URL='$(url tenantry)'"
}

cmd_status() {
    require_state
    etcd_pid >/dev/null || die "etcd is not running; run: cluster.sh up"
    patronictl list
    local node pid
    for node in "${NODES[@]}"; do
        if pid="$(patroni_pid "$node")"; then
            say "$node: patroni pid $pid"
        else
            say "$node: patroni not running"
        fi
    done
}

cmd_url() {
    require_state
    url "${1:-postgres}"
}

cmd_down() {
    check_user
    require_state
    local current node
    current="$( (etcd_pid >/dev/null && leader) || true)"
    # Replicas first, the leader last, so that stopping does not cause a failover.
    for node in "${NODES[@]}"; do
        [[ $node == "$current" ]] || stop_node "$node"
    done
    [[ -z $current ]] || stop_node "$current"
    local pid
    if pid="$(etcd_pid)"; then
        say "stopping etcd (pid $pid)"
        stop_pid "$pid" etcd 30
    fi
    rm -f "$RUN/etcd.pid"
}

cmd_destroy() {
    check_user
    check_state_path
    if [[ ! -e $STATE ]]; then
        say "nothing to destroy: $STATE does not exist"
        return
    fi
    [[ -e $MARKER ]] || die "$STATE was not made by cluster.sh; not deleting it"
    cmd_down
    rm -rf -- "$STATE"
    say "deleted $STATE"
}

cmd_failover_test() {
    check_user
    require_state
    etcd_pid >/dev/null || die "etcd is not running; run: cluster.sh up"
    local deadline old
    deadline=$(($(date +%s) + 30))
    wait_healthy "$deadline" 3 || die "the cluster is not healthy (a leader, a synchronous standby, three members); see: cluster.sh status"
    old="$(leader)"
    local u
    u="$(url)&connect_timeout=2"
    say "before:"
    patronictl list

    # A commit acknowledged before the crash must survive it (synchronous replication).
    local token
    token="failover-$(date +%s%N)"
    psql_url "$u" -c "CREATE TABLE IF NOT EXISTS tenantry_failover_probe (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())" >/dev/null
    psql_url "$u" -c "INSERT INTO tenantry_failover_probe (token) VALUES ('$token')" >/dev/null
    say "committed probe row $token through the URL on $old (port $(pg_port "$old"))"

    local patroni postmaster children
    patroni="$(patroni_pid "$old")" || die "no patroni pid for leader $old (was it started by this script?)"
    postmaster="$(postmaster_pid "$old")" || die "no postmaster pid for leader $old"
    children="$(ps -o pid= --ppid "$postmaster" | tr -s ' \n' ' ' || true)"
    say "crashing leader $old: SIGKILL patroni (pid $patroni) and PostgreSQL (postmaster pid $postmaster)"
    local t0
    t0="$(now)"
    kill -KILL "$patroni" "$postmaster" 2>/dev/null || true
    # shellcheck disable=SC2086
    [[ -z ${children// /} ]] || kill -KILL $children 2>/dev/null || true

    local t_leader="" t_write="" new="" answer="" attempts=0
    deadline=$(($(date +%s) + TIMEOUT))
    while (($(date +%s) < deadline)) && [[ -z $t_leader || -z $t_write ]]; do
        if [[ -z $t_leader ]]; then
            new="$(leader || true)"
            if [[ -n $new && $new != "$old" ]]; then
                t_leader="$(now)"
                say "  +$(elapsed "$t0" "$t_leader")s new leader: $new"
            fi
        fi
        if [[ -z $t_write ]]; then
            attempts=$((attempts + 1))
            if answer="$(psql_url "$u" -c "SELECT inet_server_port() || ' ' || pg_is_in_recovery()" 2>/dev/null)" && [[ $answer == *" false" ]]; then
                t_write="$(now)"
                say "  +$(elapsed "$t0" "$t_write")s the multi-host URL reaches a read-write primary on port ${answer%% *} (attempt $attempts)"
            fi
        fi
        sleep 0.5
    done
    [[ -n $t_leader ]] || die "no new leader within ${TIMEOUT}s; see $LOGS/node*.log"
    [[ -n $t_write ]] || die "the URL found no read-write primary within ${TIMEOUT}s"

    local found wrote
    found="$(psql_url "$u" -c "SELECT count(*) FROM tenantry_failover_probe WHERE token = '$token'")"
    [[ $found == 1 ]] || die "the probe row committed before the crash is missing on the new primary"
    say "probe row $token is on the new primary: no acknowledged commit lost"
    wrote="$(psql_url "$u" -c "INSERT INTO tenantry_failover_probe (token) VALUES ('$token-after') RETURNING inet_server_port()")"
    say "a new write through the URL succeeded on port $wrote"

    say "restarting $old; it rejoins as a replica"
    local t_back
    t_back="$(now)"
    start_node "$old"
    deadline=$(($(date +%s) + TIMEOUT))
    wait_healthy "$deadline" 3 || die "$old did not rejoin within ${TIMEOUT}s; see $LOGS/$old.log"
    local t_end
    t_end="$(now)"
    say "after:"
    patronictl list
    psql_url "$u" -c "DELETE FROM tenantry_failover_probe WHERE token LIKE '$token%'" >/dev/null
    say ""
    say "failover timings (from the crash of $old):"
    say "  new leader elected ($new):        $(elapsed "$t0" "$t_leader")s"
    say "  URL reaches a read-write primary: $(elapsed "$t0" "$t_write")s"
    say "  $old rejoined, sync standby back: $(elapsed "$t_back" "$t_end")s after its restart"
    say "failover-test passed"
}

usage() {
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
    local command=${1:-}
    [[ $# -eq 0 ]] || shift
    case $command in
    up) cmd_up ;;
    status) cmd_status ;;
    url) cmd_url "$@" ;;
    down) cmd_down && say "stopped; data kept in $STATE" ;;
    destroy) cmd_destroy ;;
    failover-test) cmd_failover_test ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) die "unknown command '$command' (up, status, url, failover-test, down, destroy)" ;;
    esac
}

main "$@"
