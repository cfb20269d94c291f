#!/usr/bin/env bash
# test-provision.sh: check provision.sh without Vagrant, systemd or root.
#
# Runs provision.sh in --prefix mode for three pretend hosts on loopback addresses
# (127.0.99.100-102), starts the six generated configs by hand with redis-server, forms
# a cluster with the redis-cli command provision.sh prints, checks that replicas sync
# with the password, and stops everything it started. Needs redis-server and
# redis-cli; uses shellcheck when it is installed.
#
#   ./test-provision.sh            # scratch directory under /tmp, removed at the end
#   KEEP=1 ./test-provision.sh     # keep the scratch directory (servers still stopped)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROVISION="$HERE/provision.sh"
HOSTS=(127.0.99.100 127.0.99.101 127.0.99.102)
PORTS=(6379 6380)
# Quotes, a backslash and a dollar: checks the quoting of requirepass/masterauth.
# shellcheck disable=SC2016 # the dollar is meant literally
PASSWORD='s3c"r\et$x'
SCRATCH=$(mktemp -d /tmp/provision-test.XXXXXX)
PIDFILES=()

pass() { printf 'ok   %s\n' "$*"; }
fail() {
    printf 'FAIL %s\n' "$*" >&2
    exit 1
}

cleanup() {
    local f pid i
    for f in "${PIDFILES[@]}"; do
        [[ -s $f ]] || continue
        pid=$(<"$f")
        kill "$pid" 2>/dev/null || continue
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    done
    if [[ ${KEEP:-0} == 1 ]]; then
        echo "scratch directory kept: $SCRATCH"
    else
        rm -rf "$SCRATCH"
    fi
}
trap cleanup EXIT

cli() { # cli HOST PORT ARGS...: authenticated redis-cli, password from the environment
    local host=$1 port=$2
    shift 2
    REDISCLI_AUTH="$PASSWORD" redis-cli -h "$host" -p "$port" "$@" | tr -d '\r'
}

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    fail "redis-server and redis-cli are needed"
fi

# --- Static checks ----------------------------------------------------------------------
bash -n "$PROVISION" || fail "bash -n provision.sh"
pass "bash -n provision.sh"
if command -v shellcheck >/dev/null; then
    shellcheck "$PROVISION" "${BASH_SOURCE[0]}" || fail "shellcheck"
    pass "shellcheck"
else
    echo "skip shellcheck (not installed)"
fi

# --- Bad arguments are refused ------------------------------------------------------------
refuses() {
    local why=$1
    shift
    if "$PROVISION" --prefix "$SCRATCH/bad" "$@" >/dev/null 2>&1; then
        fail "accepted $why: $*"
    fi
    pass "refuses $why"
}
refuses "a missing --ip"
refuses "a bad address" --ip 300.1.1.1
refuses "a bad port" --ip 127.0.99.100 --ports "6379 60000"
refuses "a repeated port" --ip 127.0.99.100 --ports "6379 6379"
refuses "a password with a space" --ip 127.0.99.100 --password "a b"
refuses "an unknown option" --ip 127.0.99.100 --frobnicate
if "$PROVISION" --prefix relative/dir --ip 127.0.99.100 >/dev/null 2>&1; then
    fail "accepted a relative --prefix"
fi
pass "refuses a relative --prefix"
[[ ! -e $SCRATCH/bad ]] || fail "a refused run wrote files"

# --- Nothing listens where the test wants to -------------------------------------------------
for h in "${HOSTS[@]}"; do
    for p in "${PORTS[@]}"; do
        if (exec 3<>"/dev/tcp/$h/$p") 2>/dev/null; then
            fail "something already listens on $h:$p; stop it first"
        fi
    done
done

# --- Provision three pretend hosts ----------------------------------------------------------
for i in "${!HOSTS[@]}"; do
    h=${HOSTS[i]}
    out=$(LAB_REDIS_PASSWORD="$PASSWORD" "$PROVISION" --prefix "$SCRATCH/host$i" --ip "$h" \
        --hosts "${HOSTS[*]}" 2>&1) || fail "provision.sh for $h: $out"
    [[ $i -eq 0 ]] && FIRST_OUTPUT=$out
    [[ $out != *"$PASSWORD"* ]] || fail "provision.sh printed the password"
done
pass "provision.sh --prefix for ${HOSTS[*]} (password from LAB_REDIS_PASSWORD)"

root="$SCRATCH/host0"
conf="$root/etc/redis/cluster-6379.conf"
# shellcheck disable=SC2016 # the dollars below are part of the expected text
for want in "bind 127.0.99.100" "port 6379" "cluster-enabled yes" \
    "cluster-config-file nodes-6379.conf" "cluster-node-timeout 5000" \
    "cluster-announce-ip 127.0.99.100" "replica-announce-ip 127.0.99.100" \
    "dir $root/var/lib/redis/6379" "logfile $root/var/log/redis/redis-6379.log" \
    "protected-mode yes" 'requirepass "s3c\"r\\et$x"' 'masterauth "s3c\"r\\et$x"' \
    "appendonly no" 'save ""' "repl-diskless-sync yes" "repl-diskless-sync-delay 0" \
    "cluster-allow-replica-migration no" "daemonize no" "supervised systemd"; do
    grep -qxF -- "$want" "$conf" || fail "$conf lacks: $want"
done
pass "cluster-6379.conf has every directive"
unit="$root/etc/systemd/system/redis-cluster@.service"
for want in "ExecStart=$(command -v redis-server) $root/etc/redis/cluster-%i.conf" \
    "User=redis" "Restart=on-failure" "Type=notify"; do
    grep -qxF -- "$want" "$unit" || fail "$unit lacks: $want"
done
pass "redis-cluster@.service looks right"
[[ $(stat -c %a "$conf") == 640 ]] || fail "config mode is not 0640"
pass "config is not world-readable"

# --- Second run: no change --------------------------------------------------------------------
before=$(cd "$root" && find . -type f -printf '%p %T@\n' | sort && find . -type f -exec md5sum {} + | sort)
out=$(LAB_REDIS_PASSWORD="$PASSWORD" "$PROVISION" --prefix "$root" --ip 127.0.99.100 2>&1)
after=$(cd "$root" && find . -type f -printf '%p %T@\n' | sort && find . -type f -exec md5sum {} + | sort)
[[ $before == "$after" ]] || fail "second run changed files"
[[ $out == *"already up to date"* && $out != *wrote* ]] || fail "second run output: $out"
pass "second run changes nothing"

# --- Start the six nodes by hand ------------------------------------------------------------
for i in "${!HOSTS[@]}"; do
    for p in "${PORTS[@]}"; do
        r="$SCRATCH/host$i"
        mkdir -p "$r/run"
        PIDFILES+=("$r/run/redis-$p.pid")
        redis-server "$r/etc/redis/cluster-$p.conf" --daemonize yes --supervised no \
            --pidfile "$r/run/redis-$p.pid"
    done
done
for i in "${!HOSTS[@]}"; do
    for p in "${PORTS[@]}"; do
        for ((t = 0; t < 50; t++)); do
            [[ $(cli "${HOSTS[i]}" "$p" PING 2>/dev/null) == PONG ]] && break
            sleep 0.1
        done
        [[ $(cli "${HOSTS[i]}" "$p" PING) == PONG ]] || fail "${HOSTS[i]}:$p does not answer"
    done
done
pass "all six nodes answer PING with the password"

noauth=$(redis-cli -h 127.0.99.100 -p 6379 PING 2>&1 | tr -d '\r')
[[ $noauth == NOAUTH* ]] || fail "PING without a password answered: $noauth"
pass "PING without the password is refused (NOAUTH)"
[[ $(cli 127.0.99.101 6380 CONFIG GET cluster-announce-ip | sed -n 2p) == 127.0.99.101 ]] ||
    fail "cluster-announce-ip is wrong"
[[ $(cli 127.0.99.101 6380 CONFIG GET replica-announce-ip | sed -n 2p) == 127.0.99.101 ]] ||
    fail "replica-announce-ip is wrong"
pass "CONFIG GET cluster-announce-ip / replica-announce-ip"

# --- Form the cluster with the command provision.sh printed ---------------------------------
create=$(sed -n 's/^ *\(redis-cli --cluster create .*\)$/\1/p' <<<"$FIRST_OUTPUT")
want="redis-cli --cluster create 127.0.99.100:6379 127.0.99.100:6380 127.0.99.101:6379 127.0.99.101:6380 127.0.99.102:6379 127.0.99.102:6380 --cluster-replicas 1"
[[ $create == "$want" ]] || fail "printed create command: $create"
lab=$(sed -n 's/^ *\(lab cluster up .*\)$/\1/p' <<<"$FIRST_OUTPUT")
[[ $lab == "lab cluster up --lab manual-failover --nodes 127.0.99.100:6379,127.0.99.100:6380,127.0.99.101:6379,127.0.99.101:6380,127.0.99.102:6379,127.0.99.102:6380" ]] ||
    fail "printed lab command: $lab"
pass "printed commands list the nodes host by host, port by port"
read -r -a create_args <<<"$create"
REDISCLI_AUTH="$PASSWORD" "${create_args[@]}" --cluster-yes >"$SCRATCH/create.log" 2>&1 ||
    fail "cluster create failed: $(cat "$SCRATCH/create.log")"
for ((t = 0; t < 100; t++)); do
    ok=0
    for h in "${HOSTS[@]}"; do
        for p in "${PORTS[@]}"; do
            [[ $(cli "$h" "$p" CLUSTER INFO) == *cluster_state:ok* ]] && ok=$((ok + 1))
        done
    done
    [[ $ok -eq 6 ]] && break
    sleep 0.2
done
[[ $ok -eq 6 ]] || fail "cluster_state is not ok on every node"
pass "cluster formed (cluster_state:ok on all six nodes)"

nodes=$(cli 127.0.99.100 6379 CLUSTER NODES)
if grep -vqE ' 127\.0\.99\.10[0-2]:63(79|80)@163(79|80)' <<<"$nodes"; then
    fail "a node advertises another address: $nodes"
fi
pass "every node advertises its own address"

for ((t = 0; t < 100; t++)); do
    up=0
    for h in "${HOSTS[@]}"; do
        for p in "${PORTS[@]}"; do
            info=$(cli "$h" "$p" INFO replication)
            [[ $info == *role:slave* && $info == *master_link_status:up* ]] && up=$((up + 1))
        done
    done
    [[ $up -eq 3 ]] && break
    sleep 0.2
done
[[ $up -eq 3 ]] || fail "not every replica synced with its master (masterauth?)"
pass "three replicas synced with their masters (masterauth works)"

cli 127.0.99.100 6379 -c SET lab:test hello >/dev/null
[[ $(cli 127.0.99.102 6380 -c GET lab:test) == hello ]] || fail "cluster SET/GET"
pass "SET/GET through redirections"

# --- Plain nodes and Sentinels (modules 4 and 5) --------------------------------------------
refuses "--replicaof with a cluster" --ip 127.0.99.100 --replicaof 127.0.99.101:6379
refuses "a bad --sentinel address" --kind plain --ip 127.0.99.100 --sentinel nowhere
refuses "an unknown --kind" --kind swarm --ip 127.0.99.100
S_HOSTS=(127.0.98.210 127.0.98.211 127.0.98.212)
for h in "${S_HOSTS[@]}"; do
    for p in 6379 26379; do
        if (exec 3<>"/dev/tcp/$h/$p") 2>/dev/null; then
            fail "something already listens on $h:$p; stop it first"
        fi
    done
done
for i in "${!S_HOSTS[@]}"; do
    h=${S_HOSTS[i]}
    args=(--kind plain --ip "$h" --ports 6379 --sentinel "${S_HOSTS[0]}:6379")
    [[ $i -eq 0 ]] || args+=(--replicaof "${S_HOSTS[0]}:6379")
    out=$(LAB_REDIS_PASSWORD="$PASSWORD" "$PROVISION" --prefix "$SCRATCH/s$i" "${args[@]}" 2>&1) ||
        fail "provision.sh --kind plain for $h: $out"
    [[ $out != *"$PASSWORD"* ]] || fail "provision.sh printed the password"
done
pass "provision.sh --kind plain --sentinel for ${S_HOSTS[*]}"

r="$SCRATCH/s1"
conf="$r/etc/redis/redis-6379.conf"
# shellcheck disable=SC2016 # the dollars below are part of the expected text
for want in "bind 127.0.98.211" "replica-announce-ip 127.0.98.211" "replicaof 127.0.98.210 6379" \
    'masterauth "s3c\"r\\et$x"' 'save ""'; do
    grep -qxF -- "$want" "$conf" || fail "$conf lacks: $want"
done
if grep -q '^cluster-' "$conf"; then fail "$conf has cluster directives"; fi
if grep -q '^replicaof' "$SCRATCH/s0/etc/redis/redis-6379.conf"; then fail "the master follows someone"; fi
sconf="$r/etc/redis/sentinel-26379.conf"
for want in "port 26379" "sentinel announce-ip 127.0.98.211" \
    "sentinel monitor cursoredis 127.0.98.210 6379 2" \
    "sentinel down-after-milliseconds cursoredis 30000" \
    'sentinel auth-pass cursoredis "s3c\"r\\et$x"'; do
    grep -qxF -- "$want" "$sconf" || fail "$sconf lacks: $want"
done
grep -qxF -- "ExecStart=$(command -v redis-server) $r/etc/redis/sentinel-26379.conf --sentinel" \
    "$r/etc/systemd/system/redis-sentinel-lab.service" || fail "the Sentinel's unit"
pass "plain node and Sentinel configs have every directive"

for i in "${!S_HOSTS[@]}"; do
    r="$SCRATCH/s$i"
    mkdir -p "$r/run"
    PIDFILES+=("$r/run/redis.pid" "$r/run/sentinel.pid")
    redis-server "$r/etc/redis/redis-6379.conf" --daemonize yes --supervised no \
        --pidfile "$r/run/redis.pid"
done
for i in "${!S_HOSTS[@]}"; do
    r="$SCRATCH/s$i"
    redis-server "$r/etc/redis/sentinel-26379.conf" --sentinel --daemonize yes --supervised no \
        --pidfile "$r/run/sentinel.pid"
done
master() { redis-cli -h "$1" -p 26379 SENTINEL master cursoredis 2>/dev/null | tr -d '\r'; }
field() { sed -n "/^$1\$/{n;p;}"; }
for ((t = 0; t < 100; t++)); do
    ready=0
    for h in "${S_HOSTS[@]}"; do
        m=$(master "$h")
        [[ $(field num-slaves <<<"$m") == 2 && $(field num-other-sentinels <<<"$m") == 2 &&
            $(field flags <<<"$m") == master ]] && ready=$((ready + 1))
    done
    [[ $ready -eq 3 ]] && break
    sleep 0.2
done
[[ $ready -eq 3 ]] || fail "the Sentinels do not all see the master ok, 2 replicas and 2 Sentinels"
pass "three Sentinels see the master ok, its two replicas and each other (auth-pass works)"
addr=$(redis-cli -h 127.0.98.212 -p 26379 SENTINEL get-master-addr-by-name cursoredis | tr -d '\r')
[[ $addr == $'127.0.98.210\n6379' ]] || fail "get-master-addr-by-name: $addr"
others=$(redis-cli -h 127.0.98.210 -p 26379 SENTINEL sentinels cursoredis | tr -d '\r')
replicas=$(redis-cli -h 127.0.98.210 -p 26379 SENTINEL replicas cursoredis | tr -d '\r')
if grep -q '^127\.0\.0\.1$' <<<"$others$replicas"; then fail "a Sentinel or replica announced 127.0.0.1"; fi
pass "Sentinels and replicas are listed by their own addresses"

out=$(LAB_REDIS_PASSWORD="$PASSWORD" "$PROVISION" --prefix "$SCRATCH/s1" --kind plain --ip 127.0.98.211 \
    --ports 6379 --replicaof 127.0.98.210:6379 --sentinel 127.0.98.210:6379 2>&1)
[[ $out == *"left as Sentinel wrote it"* ]] || fail "a second run rewrote the Sentinel's config: $out"
pass "a second run leaves the Sentinel's own config alone"

echo "all provision.sh tests passed"
