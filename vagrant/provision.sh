#!/usr/bin/env bash
# provision.sh: prepare one Debian/Ubuntu host to run the Redis nodes of the `lab` course:
# Redis Cluster nodes (module 6: two instances per host, 6379 and 6380 by default), or plain
# Redis nodes for replication (module 4), optionally with a Sentinel beside them (module 5).
#
# Used by the Vagrantfile next to it, but runs on any Debian or Ubuntu host as root:
#
#   sudo ./provision.sh --ip 192.168.158.100 --password s3cret
#   sudo ./provision.sh --kind plain --ip 192.168.159.211 --ports 6379 \
#        --replicaof 192.168.159.210:6379 --sentinel 192.168.159.210:6379
#
# It installs redis-server/redis-tools, turns off the distribution's own redis-server
# service, writes one config per port plus a systemd template unit, and starts the
# instances. It does NOT form the cluster: that is `lab cluster up` (or
# `redis-cli --cluster create`), whose exact command lines are printed at the end.
#
# Safe to run again: files are only rewritten when their content changes, an instance
# is only restarted when its config (or the unit) changed, and the data directories
# (including the cluster state in nodes-<port>.conf) are never deleted.
#
# Run with --help for the options.

set -euo pipefail

readonly COURSE_HOSTS="192.168.158.100 192.168.158.101 192.168.158.102"
readonly RB_CLUSTER_REPO="https://github.com/antirez/redis-rb-cluster.git"

usage() {
    cat <<'EOF'
Usage: provision.sh --ip ADDR [options]

  --ip ADDR          IPv4 address of this host that the Redis nodes bind to and announce
                     to the rest of the cluster (required).
  --password PASS    Password for the default user (requirepass) and for replicas to
                     authenticate to their master (masterauth). Defaults to the
                     environment variable LAB_REDIS_PASSWORD (handy to keep it out of
                     the process list). Without a password, protected mode makes the
                     nodes refuse every client connection that is not from loopback:
                     replicas cannot sync from a master on another host, and lab or
                     redis-cli cannot reach the nodes from outside.
  --ports "P1 P2"    Ports of the instances on this host (default: "6379 6380").
                     The cluster bus uses port+10000 for each.
  --hosts "A B C"    Addresses of all the cluster's hosts, in order; only used to print
                     the commands that form the cluster (default: the course's VMs,
                     "192.168.158.100 192.168.158.101 192.168.158.102").
  --kind KIND        cluster (the default: Redis Cluster nodes, module 6) or plain (no
                     cluster mode: replication and Sentinel, modules 4 and 5).
  --replicaof A:P    With --kind plain: the nodes start as replicas of A:P (written as
                     `replicaof` in their config). Without it they start as masters.
  --sentinel A:P     With --kind plain: also run a Sentinel on port 26379 monitoring the
                     master A:P as "cursoredis" (quorum 2, the course's timings). Its
                     config is written only when missing: Sentinel rewrites it itself.
  --with-rb-cluster  Also install ruby + the redis gem (Debian package ruby-redis) and
                     git, and clone antirez/redis-rb-cluster into
                     /usr/local/redis-rb-cluster (for consistency-test.rb).
                     Needs Internet access.
  --prefix DIR       Write every file under DIR instead of / (default: /). Anything other
                     than / is a dry-run for tests: apt, systemctl, sysctl, chown and
                     starting the instances are all skipped, only files are written.
  -h, --help         Show this help.
EOF
}

log() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'provision.sh: warning: %s\n' "$*" >&2; }
die() {
    printf 'provision.sh: error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------
# Options

IP=""
PASSWORD="${LAB_REDIS_PASSWORD-}"
PORTS="6379 6380"
HOSTS="$COURSE_HOSTS"
PREFIX="/"
WITH_RB_CLUSTER=0
KIND=cluster
HOSTS_GIVEN=0
REPLICAOF=""
SENTINEL_MASTER=""
readonly SENTINEL_PORT=26379
readonly SENTINEL_NAME=cursoredis

need_value() {
    [[ $# -ge 2 ]] || die "option $1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --ip) need_value "$@"; IP="$2"; shift 2 ;;
    --ip=*) IP="${1#*=}"; shift ;;
    --password) need_value "$@"; PASSWORD="$2"; shift 2 ;;
    --password=*) PASSWORD="${1#*=}"; shift ;;
    --ports) need_value "$@"; PORTS="$2"; shift 2 ;;
    --ports=*) PORTS="${1#*=}"; shift ;;
    --hosts) need_value "$@"; HOSTS="$2"; HOSTS_GIVEN=1; shift 2 ;;
    --hosts=*) HOSTS="${1#*=}"; HOSTS_GIVEN=1; shift ;;
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#*=}"; shift ;;
    --kind) need_value "$@"; KIND="$2"; shift 2 ;;
    --kind=*) KIND="${1#*=}"; shift ;;
    --replicaof) need_value "$@"; REPLICAOF="$2"; shift 2 ;;
    --replicaof=*) REPLICAOF="${1#*=}"; shift ;;
    --sentinel) need_value "$@"; SENTINEL_MASTER="$2"; shift 2 ;;
    --sentinel=*) SENTINEL_MASTER="${1#*=}"; shift ;;
    --with-rb-cluster) WITH_RB_CLUSTER=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done

is_ipv4() {
    local a b c d
    [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
    a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]} c=${BASH_REMATCH[3]} d=${BASH_REMATCH[4]}
    ((10#$a <= 255 && 10#$b <= 255 && 10#$c <= 255 && 10#$d <= 255))
}

is_loopback() { [[ $1 == 127.* ]]; }

[[ -n $IP ]] || { usage >&2; die "--ip is required"; }
is_ipv4 "$IP" || die "--ip must be an IPv4 address, got '$IP'"

read -r -a PORT_LIST <<<"$PORTS"
[[ ${#PORT_LIST[@]} -gt 0 ]] || die "--ports is empty"
for p in "${PORT_LIST[@]}"; do
    if ! [[ $p =~ ^[0-9]{1,5}$ ]] || ((10#$p < 1 || 10#$p > 55535)); then
        die "bad port '$p': must be 1-55535 (the cluster bus needs port+10000)"
    fi
done
if [[ $(printf '%s\n' "${PORT_LIST[@]}" | sort -u | wc -l) -ne ${#PORT_LIST[@]} ]]; then
    die "--ports lists a port twice: '$PORTS'"
fi

# The default hosts are the cluster's VMs: plain nodes list only their own unless told.
if [[ $KIND == plain && $HOSTS_GIVEN == 0 ]]; then HOSTS=$IP; fi
read -r -a HOST_LIST <<<"$HOSTS"
[[ ${#HOST_LIST[@]} -gt 0 ]] || die "--hosts is empty"
for h in "${HOST_LIST[@]}"; do
    is_ipv4 "$h" || die "--hosts must list IPv4 addresses, got '$h'"
done

# Printable ASCII without spaces: it goes into the Redis config (quoted below), and a
# space would also make it awkward on command lines and in redis:// URLs.
if [[ -n $PASSWORD && -n $(printf '%s' "$PASSWORD" | LC_ALL=C tr -d '\041-\176') ]]; then
    die "the password may only contain printable ASCII characters, without spaces"
fi

[[ $KIND == cluster || $KIND == plain ]] || die "--kind must be cluster or plain, got '$KIND'"
# addr_port A:P: an IPv4 address and a port?
addr_port() {
    [[ $1 == *:* ]] || return 1
    is_ipv4 "${1%:*}" && [[ ${1##*:} =~ ^[0-9]{1,5}$ ]] && ((10#${1##*:} >= 1 && 10#${1##*:} <= 65535))
}
if [[ $KIND == cluster ]]; then
    [[ -z $REPLICAOF && -z $SENTINEL_MASTER ]] ||
        die "--replicaof and --sentinel are for --kind plain (a cluster's replicas are made by lab)"
fi
[[ -z $REPLICAOF ]] || addr_port "$REPLICAOF" || die "--replicaof must be ADDR:PORT, got '$REPLICAOF'"
[[ -z $SENTINEL_MASTER ]] || addr_port "$SENTINEL_MASTER" ||
    die "--sentinel must be ADDR:PORT, got '$SENTINEL_MASTER'"
for p in "${PORT_LIST[@]}"; do
    [[ -z $SENTINEL_MASTER || $p != "$SENTINEL_PORT" ]] || die "port $SENTINEL_PORT is the Sentinel's"
done

[[ $PREFIX == /* ]] || die "--prefix must be an absolute path, got '$PREFIX'"
# ROOT is prepended to every path written; it is empty for the real system.
ROOT="${PREFIX%/}"
while [[ $ROOT == */ ]]; do ROOT="${ROOT%/}"; done
if [[ -z $ROOT ]]; then REAL=1; else REAL=0; fi

if ((REAL)) && [[ $(id -u) -ne 0 ]]; then
    die "must run as root (or use --prefix for a dry run into a scratch directory)"
fi

CONF_DIR="$ROOT/etc/redis"
UNIT_DIR="$ROOT/etc/systemd/system"
# Each kind has its own file names, so a host can be switched from one to the other.
if [[ $KIND == cluster ]]; then
    CONF_NAME=cluster
    UNIT_NAME=redis-cluster
    NODE_WORDS="Redis Cluster node"
else
    CONF_NAME=redis
    UNIT_NAME=redis-node
    NODE_WORDS="Redis node (no cluster mode)"
fi
UNIT_FILE="$UNIT_DIR/$UNIT_NAME@.service"
SENTINEL_CONF="$CONF_DIR/sentinel-$SENTINEL_PORT.conf"
SENTINEL_UNIT="$UNIT_DIR/redis-sentinel-lab.service"
SYSCTL_FILE="$ROOT/etc/sysctl.d/60-redis-cluster-lab.conf"
LOGROTATE_FILE="$ROOT/etc/logrotate.d/redis-cluster-lab"
DATA_ROOT="$ROOT/var/lib/redis"
LOG_DIR="$ROOT/var/log/redis"
RUN_DIR="$ROOT/run/redis-cluster" # only used when there is no systemd
RB_CLUSTER_DIR="$ROOT/usr/local/redis-rb-cluster"

# ---------------------------------------------------------------------------------------
# Helpers

# put_file DEST MODE OWNER:GROUP < content
# Writes DEST only when the content differs; sets FILE_CHANGED to 1 or 0.
FILE_CHANGED=0
ANY_CHANGED=0
put_file() {
    local dest=$1 mode=$2 owner=$3 tmp
    mkdir -p "$(dirname "$dest")"
    tmp=$(mktemp "$dest.XXXXXX")
    cat >"$tmp"
    if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then
        rm -f "$tmp"
        FILE_CHANGED=0
    else
        chmod "$mode" "$tmp"
        if ((REAL)); then chown "$owner" "$tmp"; fi
        mv -f "$tmp" "$dest"
        FILE_CHANGED=1
        ANY_CHANGED=1
        log "wrote $dest"
    fi
    # Put mode and owner right even when the content was already right.
    chmod "$mode" "$dest"
    if ((REAL)); then chown "$owner" "$dest"; fi
}

# ensure_dir DIR MODE OWNER:GROUP
ensure_dir() {
    local dir=$1 mode=$2 owner=$3
    if [[ ! -d $dir ]]; then
        mkdir -p "$dir"
        log "created $dir"
    fi
    chmod "$mode" "$dir"
    if ((REAL)); then chown "$owner" "$dir"; fi
}

apt_install() {
    local missing=() p
    for p in "$@"; do
        # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell variable
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
    done
    [[ ${#missing[@]} -gt 0 ]] || return 0
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

have_systemd() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; }

# Redis config strings: double quotes, with backslash and double quote escaped.
redis_quote() {
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

# ping PORT: does the instance answer? The password goes through the environment.
ping() {
    local out
    out=$(REDISCLI_AUTH="$PASSWORD" redis-cli -h "$IP" -p "$1" PING 2>/dev/null) || return 1
    [[ $out == PONG ]]
}

wait_for_ping() {
    local port=$1 i
    for ((i = 0; i < 50; i++)); do
        ping "$port" && return 0
        sleep 0.2
    done
    return 1
}

# ---------------------------------------------------------------------------------------
# 1. Packages

if ((REAL)); then
    command -v apt-get >/dev/null || die "this script needs a Debian or Ubuntu host (apt-get not found)"
    apt_install redis-server redis-tools
    getent passwd redis >/dev/null || die "user 'redis' missing (it comes with the redis-server package)"
    if ((WITH_RB_CLUSTER)); then
        apt_install ruby ruby-redis git ca-certificates
    fi
    # Fail early and clearly if the address is not on this host: Redis could not bind it.
    if ! is_loopback "$IP" && command -v hostname >/dev/null; then
        read -r -a LOCAL_ADDRS <<<"$(hostname -I 2>/dev/null || true)"
        if [[ ${#LOCAL_ADDRS[@]} -gt 0 ]] && ! printf '%s\n' "${LOCAL_ADDRS[@]}" | grep -qxF "$IP"; then
            die "$IP is not an address of this host (it has: ${LOCAL_ADDRS[*]})"
        fi
    fi
else
    log "prefix mode ($ROOT): skipping apt, systemctl, sysctl, chown and starting Redis"
fi

REDIS_SERVER_BIN=$(command -v redis-server || echo /usr/bin/redis-server)

# ---------------------------------------------------------------------------------------
# 2. The distribution's own redis-server listens on 127.0.0.1:6379, which collides with
#    our 6379 instance (it binds 127.0.0.1 too). Stop it and keep it from starting again.

if ((REAL)); then
    if have_systemd; then
        if systemctl is-active --quiet redis-server.service ||
            systemctl is-enabled --quiet redis-server.service 2>/dev/null; then
            log "stopping and disabling the distribution's redis-server.service"
            systemctl disable --now redis-server.service
        fi
    elif [[ -x /etc/init.d/redis-server ]] && /etc/init.d/redis-server status >/dev/null 2>&1; then
        log "stopping the distribution's redis-server (no systemd here)"
        /etc/init.d/redis-server stop
    fi
fi

# ---------------------------------------------------------------------------------------
# 3. Directories and files

ensure_dir "$CONF_DIR" 2770 redis:redis # as the Debian package creates it
ensure_dir "$DATA_ROOT" 0750 redis:redis
if [[ ! -d $LOG_DIR ]]; then ensure_dir "$LOG_DIR" 0750 redis:redis; fi # else leave the package's

if [[ -n $PASSWORD ]]; then
    AUTH_BLOCK="# Password of the default user. It is also what makes protected mode harmless: with
# protected mode on and no password, Redis answers every client connection that does not
# come from loopback with \"DENIED ... protected mode\". Replicas on the other hosts could
# not sync from this node, and neither lab, redis-cli --cluster nor any cluster client
# outside this host could talk to it. (The cluster bus, port+10000, is not filtered.)
requirepass $(redis_quote "$PASSWORD")
# What this node sends when it replicates from a master (all nodes share the password).
# No masteruser: the default user is enough.
masterauth $(redis_quote "$PASSWORD")"
else
    AUTH_BLOCK="# No password given: protected mode only lets loopback clients in, so replicas on
# other hosts cannot sync from this node and clients elsewhere cannot use it."
fi

if is_loopback "$IP"; then
    BIND="$IP"
    BIND_NOTE="# The address is already a loopback one, so there is no need to add 127.0.0.1."
else
    BIND="$IP 127.0.0.1"
    BIND_NOTE="# 127.0.0.1 is there only for convenience on this host (redis-cli without -h, local
# monitoring). It is harmless: the password applies on every address, and other nodes
# only learn the announced address below. Do not form the cluster with 127.0.0.1
# addresses, though: use $IP."
fi

# mode_block PORT: what makes the node a cluster node, or a plain one.
mode_block() {
    local port=$1
    if [[ $KIND == cluster ]]; then
        cat <<EOF
# --- Cluster -----------------------------------------------------------------------
cluster-enabled yes
# Written by Redis itself, relative to dir: this node's id, epoch and view of the cluster.
cluster-config-file nodes-$port.conf
cluster-node-timeout 5000
# Advertise this address to the other nodes and to clients (MOVED/ASK redirections).
# Without it a node may advertise 127.0.0.1 or, in a Vagrant VM, the NAT interface
# (10.0.2.15 on every VM), which the other nodes cannot reach.
cluster-announce-ip $IP
# The same for the address a replica reports to its master (INFO replication).
replica-announce-ip $IP
# Keep the course's layout stable: a replica never moves to another master by itself.
cluster-allow-replica-migration no
EOF
        return
    fi
    cat <<EOF
# --- Replication -------------------------------------------------------------------
# The address this node reports to its master when it replicates: masters list their
# replicas by it, and Sentinel finds replicas there. Without it a VM may report its NAT
# interface (10.0.2.15 on every VM).
replica-announce-ip $IP
EOF
    if [[ -n $REPLICAOF ]]; then
        cat <<EOF
# Follows this master from the start (Sentinel rewrites the line after a failover).
replicaof ${REPLICAOF%:*} ${REPLICAOF##*:}
EOF
    fi
}

declare -A PORT_CHANGED=()
for port in "${PORT_LIST[@]}"; do
    ensure_dir "$DATA_ROOT/$port" 0750 redis:redis
    put_file "$CONF_DIR/$CONF_NAME-$port.conf" 0640 root:redis <<EOF
# $NODE_WORDS $IP:$port for the \`lab\` course.
# Written by provision.sh: local edits are lost the next time it runs.

# --- Network -----------------------------------------------------------------------
bind $BIND
$BIND_NOTE
port $port
protected-mode yes

# --- Process -----------------------------------------------------------------------
# Run in the foreground under systemd (unit $UNIT_NAME@$port, Type=notify).
daemonize no
supervised systemd
dir $DATA_ROOT/$port
logfile $LOG_DIR/redis-$port.log
loglevel notice

$(mode_block "$port")

# --- Authentication ----------------------------------------------------------------
$AUTH_BLOCK

# --- Persistence: none, this is a lab ----------------------------------------------
appendonly no
save ""
# Send the initial sync straight over the socket, and at once: the default 5 s delay
# only slows down the first sync of every replica in a classroom.
repl-diskless-sync yes
repl-diskless-sync-delay 0
EOF
    PORT_CHANGED[$port]=$FILE_CHANGED
done

# service_common: how both units restart, and what they may touch.
service_common() {
    cat <<'EOF'
Restart=on-failure
# If the private network is not up yet at boot, binding fails: retry a little later.
RestartSec=2
TimeoutStopSec=30
LimitNOFILE=10032
UMask=0077
NoNewPrivileges=true
PrivateTmp=true
ProtectHome=true
ProtectSystem=full
EOF
}

# A template unit: the instance name is the port, redis-cluster@6379.service.
put_file "$UNIT_FILE" 0644 root:root <<EOF
# $NODE_WORDS for the \`lab\` course; the instance name is the port.
# Written by provision.sh.
[Unit]
Description=$NODE_WORDS on port %i (lab)
Documentation=man:redis-server(1)
After=network-online.target
Wants=network-online.target
AssertPathExists=$CONF_DIR/$CONF_NAME-%i.conf
# Allow about 40 s of restarts (see RestartSec) before systemd gives up.
StartLimitIntervalSec=60
StartLimitBurst=20

[Service]
Type=notify
User=redis
Group=redis
ExecStart=$REDIS_SERVER_BIN $CONF_DIR/$CONF_NAME-%i.conf
$(service_common)

[Install]
WantedBy=multi-user.target
EOF
UNIT_CHANGED=$FILE_CHANGED

# The Sentinel: its config is Sentinel's own once written (it adds what it learns and
# rewrites it after every failover), so it is only written when missing.
SENTINEL_CHANGED=0
if [[ -n $SENTINEL_MASTER ]]; then
    ensure_dir "$DATA_ROOT/sentinel" 0750 redis:redis
    if [[ -n $PASSWORD ]]; then
        SENTINEL_AUTH="# The nodes ask for a password: Sentinel gives it to the master and its replicas.
sentinel auth-pass $SENTINEL_NAME $(redis_quote "$PASSWORD")"
    else
        SENTINEL_AUTH="# The nodes ask for no password."
    fi
    if [[ ! -f $SENTINEL_CONF ]]; then
        put_file "$SENTINEL_CONF" 0640 redis:redis <<EOF
# Sentinel $IP:$SENTINEL_PORT for the \`lab\` course (module 5). Written once by provision.sh;
# from then on Sentinel rewrites it (known replicas and Sentinels, the current master).
port $SENTINEL_PORT
bind $BIND
# Sentinel turns protected mode off by itself; said here so nobody wonders.
protected-mode no
daemonize no
supervised systemd
dir $DATA_ROOT/sentinel
logfile $LOG_DIR/sentinel-$SENTINEL_PORT.log
# The address the other Sentinels and the clients are told; without it a VM may announce
# its NAT interface (10.0.2.15 on every VM) and the Sentinels would not find each other.
sentinel announce-ip $IP
sentinel monitor $SENTINEL_NAME ${SENTINEL_MASTER%:*} ${SENTINEL_MASTER##*:} 2
# The course's timings: a master is down after 30 s without an answer; a failover that
# goes wrong is retried after 2 x 180 s.
sentinel down-after-milliseconds $SENTINEL_NAME 30000
sentinel failover-timeout $SENTINEL_NAME 180000
sentinel parallel-syncs $SENTINEL_NAME 1
$SENTINEL_AUTH
EOF
        SENTINEL_CHANGED=1
    else
        note "$SENTINEL_CONF exists: left as Sentinel wrote it"
    fi
    put_file "$SENTINEL_UNIT" 0644 root:root <<EOF
# Redis Sentinel for the \`lab\` course. Written by provision.sh.
[Unit]
Description=Redis Sentinel on port $SENTINEL_PORT (lab)
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=60
StartLimitBurst=20

[Service]
Type=notify
User=redis
Group=redis
ExecStart=$REDIS_SERVER_BIN $SENTINEL_CONF --sentinel
$(service_common)
# Sentinel rewrites its config in /etc/redis.
ReadWritePaths=$CONF_DIR

[Install]
WantedBy=multi-user.target
EOF
    if ((FILE_CHANGED)); then SENTINEL_CHANGED=1; fi
fi

# Redis forks for replication; with the kernel's default heuristic overcommit a fork can
# fail on a small VM, and Redis warns about it at startup.
put_file "$SYSCTL_FILE" 0644 root:root <<'EOF'
# Written by provision.sh (lab): recommended by Redis, which forks to sync replicas.
vm.overcommit_memory = 1
EOF

put_file "$LOGROTATE_FILE" 0644 root:root <<EOF
# Written by provision.sh (lab). Redis keeps its log open: copy and truncate.
$LOG_DIR/redis-*.log {
    weekly
    rotate 4
    missingok
    notifempty
    compress
    delaycompress
    copytruncate
}
EOF

if ((!ANY_CHANGED)); then log "configuration files already up to date"; fi

# ---------------------------------------------------------------------------------------
# 4. Optional: antirez/redis-rb-cluster, for consistency-test.rb

if ((WITH_RB_CLUSTER)); then
    if ((!REAL)); then
        note "prefix mode: would clone $RB_CLUSTER_REPO into $RB_CLUSTER_DIR"
    elif [[ -d $RB_CLUSTER_DIR/.git ]]; then
        : # already there; leave it alone
    else
        log "cloning $RB_CLUSTER_REPO into $RB_CLUSTER_DIR"
        git clone --quiet --depth 1 "$RB_CLUSTER_REPO" "$RB_CLUSTER_DIR"
    fi
fi

# ---------------------------------------------------------------------------------------
# 5. Start the instances

if ((REAL)); then
    if [[ $(cat /proc/sys/vm/overcommit_memory 2>/dev/null || echo 1) != 1 ]]; then
        { echo 1 >/proc/sys/vm/overcommit_memory; } 2>/dev/null ||
            warn "could not set vm.overcommit_memory=1 (a container?); Redis will only warn"
    fi

    if have_systemd; then
        if ((UNIT_CHANGED)); then systemctl daemon-reload; fi
        for port in "${PORT_LIST[@]}"; do
            unit="$UNIT_NAME@$port.service"
            if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
                systemctl enable --quiet "$unit"
            fi
            if ! systemctl is-active --quiet "$unit"; then
                log "starting $unit"
                systemctl start "$unit"
            elif ((UNIT_CHANGED || PORT_CHANGED[$port])); then
                log "restarting $unit (its configuration changed; keys in memory are lost)"
                systemctl restart "$unit"
            fi
        done
    else
        # Containers and other hosts without systemd: start the servers directly. They
        # will not come back after a reboot; run this script again then.
        warn "systemd is not running here: starting redis-server directly (no restart at boot)"
        ensure_dir "$RUN_DIR" 0755 redis:redis
        for port in "${PORT_LIST[@]}"; do
            pidfile="$RUN_DIR/redis-$port.pid"
            pid=""
            if [[ -s $pidfile ]]; then pid=$(<"$pidfile"); fi
            if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
                ((UNIT_CHANGED || PORT_CHANGED[$port])) || continue
                log "restarting redis-server on port $port (its configuration changed)"
                kill "$pid"
                for ((i = 0; i < 150; i++)); do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.2
                done
                kill -0 "$pid" 2>/dev/null && die "redis-server on port $port (pid $pid) did not stop"
            else
                log "starting redis-server on port $port"
            fi
            runuser -u redis -- "$REDIS_SERVER_BIN" "$CONF_DIR/$CONF_NAME-$port.conf" \
                --daemonize yes --supervised no --pidfile "$pidfile"
        done
    fi

    if [[ -n $SENTINEL_MASTER ]]; then
        if have_systemd; then
            if ((SENTINEL_CHANGED)); then systemctl daemon-reload; fi
            unit=redis-sentinel-lab.service
            systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl enable --quiet "$unit"
            if ! systemctl is-active --quiet "$unit"; then
                log "starting $unit"
                systemctl start "$unit"
            elif ((SENTINEL_CHANGED)); then
                log "restarting $unit (its unit changed)"
                systemctl restart "$unit"
            fi
        else
            pidfile="$RUN_DIR/sentinel-$SENTINEL_PORT.pid"
            if [[ ! -s $pidfile ]] || ! kill -0 "$(<"$pidfile")" 2>/dev/null; then
                log "starting the Sentinel on port $SENTINEL_PORT"
                runuser -u redis -- "$REDIS_SERVER_BIN" "$SENTINEL_CONF" --sentinel \
                    --daemonize yes --supervised no --pidfile "$pidfile"
            fi
        fi
    fi

    for port in "${PORT_LIST[@]}"; do
        wait_for_ping "$port" ||
            die "Redis on $IP:$port does not answer PING; see $LOG_DIR/redis-$port.log"
    done
    log "Redis answers on ${PORT_LIST[*]/#/$IP:}"

    if [[ -n $SENTINEL_MASTER ]]; then
        for ((i = 0; i < 50; i++)); do
            [[ $(redis-cli -h "$IP" -p "$SENTINEL_PORT" PING 2>/dev/null) == PONG ]] && break
            sleep 0.2
        done
        [[ $(redis-cli -h "$IP" -p "$SENTINEL_PORT" PING 2>/dev/null) == PONG ]] ||
            die "the Sentinel on $IP:$SENTINEL_PORT does not answer; see $LOG_DIR/sentinel-$SENTINEL_PORT.log"
        log "Sentinel answers on $IP:$SENTINEL_PORT"
    fi

    if [[ $KIND == cluster ]]; then
        known=$(REDISCLI_AUTH="$PASSWORD" redis-cli -h "$IP" -p "${PORT_LIST[0]}" CLUSTER INFO 2>/dev/null |
            tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
        if [[ -n $known && $known -gt 1 ]]; then
            note "these nodes already belong to a cluster ($known nodes known); nothing to form"
        fi
    fi
fi

if [[ -z $PASSWORD ]] && ! is_loopback "$IP"; then
    warn "no password: protected mode will refuse client and replication connections from other hosts"
fi

# ---------------------------------------------------------------------------------------
# 6. How to form the cluster (host order, then port order: the order lab lists nodes in)

NODES=()
for h in "${HOST_LIST[@]}"; do
    for port in "${PORT_LIST[@]}"; do NODES+=("$h:$port"); done
done
if ! printf '%s\n' "${HOST_LIST[@]}" | grep -qxF "$IP"; then
    warn "$IP is not among the hosts used below; pass --hosts \"IP1 IP2 ...\" to list yours"
fi

if [[ $KIND == plain ]]; then
    echo
    if [[ -n $SENTINEL_MASTER ]]; then
        log "Done. Once every host is provisioned, ask any Sentinel where the master is:"
        echo
        note "redis-cli -h $IP -p $SENTINEL_PORT SENTINEL get-master-addr-by-name $SENTINEL_NAME"
    elif [[ -n $REPLICAOF ]]; then
        log "Done. The nodes follow $REPLICAOF; see it with (password from REDISCLI_AUTH):"
        echo
        note "redis-cli -h $IP -p ${PORT_LIST[0]} INFO replication"
    else
        log "Done. The nodes are independent masters, as the replication lab begins; with lab:"
        echo
        if [[ -n $PASSWORD ]]; then
            note "export REDISCLI_AUTH='<the password>'"
        fi
        note "lab cluster up --lab replication --nodes $(
            IFS=,
            echo "${NODES[*]}"
        )"
    fi
    exit 0
fi

echo
log "Done. The nodes are not in a cluster yet. Once every host is provisioned, form it"
note "from any machine that reaches them. Both commands read the password from the"
note "REDISCLI_AUTH environment variable (it is not printed here):"
echo
if [[ -n $PASSWORD ]]; then
    note "export REDISCLI_AUTH='<the password>'"
fi
note "lab cluster up --lab manual-failover --nodes $(
    IFS=,
    echo "${NODES[*]}"
)"
echo
note "or by hand (an even split of the slots rather than the course's layout):"
echo
note "redis-cli --cluster create ${NODES[*]} --cluster-replicas 1"
