# Shared settings and helpers for tools/neo4j-local/{start,stop,status}. Sourced, not run.
# shellcheck shell=bash

NL_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Newest 5.26.x on Maven Central when this was written; override with NEO4J_VERSION.
NL_VERSION=${NEO4J_VERSION:-5.26.30}
NL_PORT=${NEO4J_PORT:-7687}
NL_USER=neo4j
NL_PASSWORD=${NEO4J_PASSWORD:-ownergraph-test}
NL_BASE=${OWNERGRAPH_NEO4J_HOME:-$NL_HERE/target}

nl_die() { echo "neo4j-local: error: $*" >&2; exit 1; }
nl_say() { echo "neo4j-local: $*" >&2; }

nl_check_port() {
    [[ $NL_PORT =~ ^[0-9]+$ ]] && (( NL_PORT >= 1 && NL_PORT <= 65535 )) \
        || nl_die "NEO4J_PORT must be a TCP port number, got '$NL_PORT'"
}

# Per-port instance: conf/, data/, logs/, run/ live here.
nl_instance_dir() { echo "$NL_BASE/instance-$1"; }

# True if something accepts TCP connections on 127.0.0.1:$1.
nl_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Print the pid of the server of instance dir $1 if it is running, else nothing (status 1).
nl_running_pid() {
    local inst=$1 pid
    [[ -f $inst/run/neo4j.pid ]] || return 1
    pid=$(<"$inst/run/neo4j.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    # Guard against pid reuse: the process must be our server for this instance.
    if [[ -r /proc/$pid/cmdline ]] \
        && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "CommunityEntryPoint --home-dir=$inst "; then
        echo "$pid"
        return 0
    fi
    return 1
}

# Take the per-instance start/stop lock on fd 9 (held until the calling script exits
# or closes fd 9). Children that outlive the script must be started with 9>&-.
nl_lock() {
    local inst=$1
    exec 9>"$inst/.startstop.lock"
    if ! flock -n 9; then
        nl_say "another start/stop for ${inst##*/} is in progress; waiting for it..."
        flock -w 300 9 || nl_die "timed out waiting for the lock $inst/.startstop.lock"
    fi
}

# Stop the server of instance dir $1 (SIGTERM, then SIGKILL after a timeout).
nl_stop_instance() {
    local inst=$1 pid i timeout=${NEO4J_STOP_TIMEOUT:-60}
    if ! pid=$(nl_running_pid "$inst"); then
        rm -f "$inst/run/neo4j.pid"
        return 1
    fi
    nl_say "stopping pid $pid ($inst)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 2; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        nl_say "pid $pid still running after ${timeout}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
    rm -f "$inst/run/neo4j.pid"
    return 0
}
