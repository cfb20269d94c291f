# The cluster: provisioning, inspection, checks, logs.

error-bad-address = “{ $value }” is not a node address; write host:port, or redis://[user][:password@]host:port.
error-base-ip = “{ $value }” cannot be the local cluster's first address: it must be a loopback address such as 127.0.158.100 (the cluster never listens anywhere else).
error-redis-server-missing = redis-server was not found on PATH. Install Redis 7 or later (Debian/Ubuntu: sudo apt install redis-server redis-tools; macOS: brew install redis), or point --redis-server or LAB_REDIS_SERVER at it.
error-redis-server-not-runnable = { $path } could not be run as redis-server. Check the path given with --redis-server or LAB_REDIS_SERVER.
error-redis-server-too-old = { $path } is Redis { $version }; the labs need Redis 7 or later (Debian/Ubuntu: sudo apt install redis-server; macOS: brew install redis).
error-addr-in-use-by = { $addr } is already in use by { $process } (pid { $pid }). Stop it, or give the cluster other addresses with --base-ip (for example --base-ip 127.0.159.100).
error-addr-in-use = { $addr } is already in use by another program. Stop it, or give the cluster other addresses with --base-ip (for example --base-ip 127.0.159.100).
error-no-loopback = neither { $base } (and the addresses after it) nor 127.0.0.1 can be listened on here; check the loopback interface.
error-spawn = { $path } could not be started: { $reason }
error-node-did-not-start = the node { $addr } did not come up. The end of its log:
    { $log }
error-unreachable = { $addr } does not answer: { $reason }
conn-refused = connection refused (is the node running? `{ -lab } cluster status` shows which nodes are)
conn-not-redis = it is not a Redis node: it answered something other than the Redis protocol (check the address and port)
conn-too-large = it sent a reply larger than lab accepts from a node (is it really a Redis node?)
error-not-a-node = { $addr } is refused: { $reason }.
conn-timeout = no answer in time (the node may be paused or the network blocked)
conn-auth-required = it needs a password: give it in REDISCLI_AUTH (`read -s REDISCLI_AUTH && export REDISCLI_AUTH`), which stays out of `ps`
conn-auth-failed = the password was refused
conn-other = { $detail }
error-cluster-command = { $addr } refused { $command }: { $reason }
error-cluster-not-forming = the cluster did not come together in time: { $problems }
error-loading-data = the lab's data could not be loaded: { $reason }
error-not-cluster-enabled = { $addr } is not a cluster node (cluster-enabled is no).
error-node-not-empty = { $addr } is not empty ({ $keys } keys, { $known } known nodes); forming a cluster on it would destroy that. Use nodes that are empty, or add --fresh to reset them (their data is deleted).
error-plain-node-not-empty = { $addr } is not empty ({ $keys } keys); making the lab's layout on it would destroy that. Use nodes that are empty, or add --fresh to empty them (their data is deleted).
error-nodes-count = --nodes gave { $given } addresses; this lab needs { $needed }, in this order: { $order }.
error-other-cluster-running = another cluster of this state directory is still running; stop it first with `{ -lab } cluster down`.
error-remote-other-lab = the cluster given with --nodes was formed for the lab “{ $lab }”; add --fresh to re-form it for this one (its data is deleted).
error-cluster-broken = the cluster is running but not healthy:{ $problems }
    Run `{ -lab } cluster up --fresh` to re-form it on the running nodes (the lab's data is loaded again).
error-no-cluster = there is no cluster yet: start one with `{ -lab } cluster up` (or `{ -lab } start <lab>`), or name one with --nodes.
error-lab-not-runnable = “{ $lab }” is a bare slide file: it has no lab.yaml, so it has no cluster to run.
error-lab-has-errors = the lab “{ $lab }” has { $count ->
    [one] an error
   *[other] { $count } errors
}; run `{ -lab } lint { $lab }` to see { $count ->
    [one] it
   *[other] them
}.
error-logs-remote = logs are only kept for the local cluster; on the course's VMs read /var/log/redis/redis-<port>.log.
error-unknown-node = “{ $node }” is not a node of this cluster. Its nodes: { $known }.
cluster-waiting-for-lock = Another lab command is changing the cluster; waiting for it to finish…
check-failed = { $count ->
    [one] the check found 1 problem.
   *[other] the check found { $count } problems.
}

problem-state-not-ok = { $addr } reports cluster_state:fail.
problem-not-master-of = { $addr } is not yet the master of { $slots }.
problem-not-replica-of = { $addr } is not yet a replica of { $master }.
problem-not-master = { $addr } should be a master of its own (it follows a master).
problem-stray-master = { $addr } is a master, but the Sentinels name { $master }: it takes writes nobody will keep until they make it a replica (within about 10 s)
problem-sentinels-disagree = the Sentinels do not agree on a master that is up: { $seen }
problem-sentinel-not-monitoring = the Sentinel { $sentinel } does not monitor the lab's master
problem-sentinel-master = the Sentinel { $sentinel } does not see the master up where it should be (flags { $flags })
problem-sentinel-replicas = the Sentinel { $sentinel } knows { $seen } replicas, not { $wanted }
problem-sentinel-sentinels = the Sentinel { $sentinel } knows { $seen } other Sentinels, not { $wanted }
error-sentinels-not-ready = The Sentinels did not get ready: { $problems }. `lab logs <host>:26379` shows what a Sentinel did.
problem-link-down = the replication link of { $addr } to its master is down.
problem-views-differ = the nodes do not agree yet about the cluster's configuration.
problem-handshake = { $addr } never finished its handshake with its master.
problem-replica-behind = { $addr } has not received all of its master's writes yet.
problem-other-lab = it was formed for the lab “{ $lab }”.
problem-node-not-running = { $addr } is not running.
problem-failing = { $node } is flagged { $flags } by other nodes.
problem-disagree = { $node } sees { $about } as { $sees }; the other nodes see it as { $others }.
problem-disagree-unknown-here = { $node } does not know { $about }; the other nodes see it as { $others }.
problem-disagree-unknown-elsewhere = { $node } sees { $about } as { $sees }; the other nodes do not know it.
problem-uncovered = { $count ->
    [one] 1 slot has
   *[other] { $count } slots have
} no master: { $slots }.
problem-contested = more than one master claims the slots { $slots }.
problem-migrating = { $addr } has slot { $slot } migrating to { $peer }.
problem-importing = { $addr } has slot { $slot } importing from { $peer }.
problem-not-online = { $addr } is { $health }, not online.

phase-checking = Looking at the state directory…
phase-starting = Starting redis-server processes…
phase-resetting = Resetting the running nodes (CLUSTER RESET HARD)…
phase-meeting = Assigning slots and introducing the nodes (CLUSTER MEET)…
phase-replicating = Attaching the replicas (CLUSTER REPLICATE)…
phase-waiting-ok = Waiting for cluster_state:ok on every node…
phase-following = Attaching the replicas (REPLICAOF)…
phase-waiting-links = Waiting for every replica's link to its master…
phase-sentinels = Starting the Sentinels and waiting until they know each other (their hellos come every 2 s)…
phase-loading = Loading the lab's data…
phase-syncing = Waiting for the replicas to receive it…

cluster-summary = { $nodes } nodes ({ $masters } masters, { $replicas } replicas), { $keys } lab keys
cluster-created = { $kind ->
    [cluster] Cluster
   *[other] Nodes
} for { $lab } ready in { $secs } s: { $summary }.
cluster-reused = { $kind ->
    [cluster] Cluster
   *[other] Nodes
} for { $lab } already running and healthy: { $summary }.
cluster-reformed = Cluster for { $lab } re-formed on its running nodes in { $secs } s{ $restarted ->
    [0] {""}
    [one] {" "}(1 node restarted)
   *[other] {" "}({ $restarted } nodes restarted)
}: { $summary }.
cluster-shared-loopback = This machine cannot listen on { $base } and the addresses after it, so the nodes share 127.0.0.1 with distinct ports from { $first }. Slides show those addresses.
cluster-next = See it with `{ -lab } cluster status`, or `redis-cli --cluster check { $addr }`.
nodes-next = See them with `{ -lab } cluster status`, or `redis-cli -h { $host } -p { $port } INFO replication`.

role-master = master
role-replica = replica
status-node = NODE
status-role = ROLE
status-slots = SLOTS
status-keys = KEYS
status-replica-of = REPLICA OF
status-link = LINK
status-offset = OFFSET
status-flags = FLAGS
status-up = up
status-down = down
status-not-ok = not-ok
status-open-slots = { $count } open
status-not-running = not running
status-paused = paused (SIGSTOP)
status-healthy = Every node ok, slots covered, views agree, replicas linked.
status-healthy-plain = Every node answers, every replica is linked to its master.
status-sentinel = Sentinel { $sentinel }: { $name } at { $master } ({ $flags }), { $replicas } replicas, { $sentinels } other Sentinels

check-master-line = { $addr } ({ $id }...) -> { $keys } keys | { $slots } slots | { $replicas } replicas.
check-keys = { $keys } keys in { $masters } masters.
check-keys-per-slot = { $avg } keys per slot on average.
check-performing = Performing Cluster Check (using node { $addr })
check-slots = slots:{ $ranges } ({ $count } slots) master
check-replicas = { $count } additional replica(s)
check-replicates = replicates { $id }
check-agree = All nodes agree about slots configuration.
check-disagree = Nodes don't agree about configuration!
check-open-slots = Check for open slots...
check-migrating = Node { $addr } has slot { $slot } in migrating state.
check-importing = Node { $addr } has slot { $slot } in importing state.
check-open-list = The following slots are open: { $slots }.
check-coverage = Check slots coverage...
check-covered = All 16384 slots covered.
check-not-covered = Not all 16384 slots are covered by nodes: { $count } without a master ({ $slots }).
check-contested = Slots claimed by more than one master: { $slots }.
check-nodes = Check nodes, roles and replication links...
check-reachable = All { $count } nodes answer.
check-none-failing = No node is flagged fail? or fail.
check-failing = { $node } is flagged { $flags }.
check-roles = { $masters } masters, { $replicas } replicas.
check-no-replica = Master { $addr } has no replica: its slots go down with it.
check-links-up = Every replica's replication link is up.

down-done = Stopped { $count } nodes{ $killed ->
    [0] {""}
   *[other] {" "}({ $killed } had to be killed)
} and removed their files.
down-private = Also stopped { $count } nodes left by an interrupted `lab test` or `lab bench`.
down-nothing = No cluster was running.
down-forgot-remote = Forgot the cluster given with --nodes; its nodes are not ours to stop, so they keep running.
seen-unknown = unknown
seen-master = master of { $slots }
seen-master-no-slots = a master without slots
seen-replica = replica of { $master }
error-setup-stuck = the lab's setup did not take effect in time ({ $action }); `{ -lab } cluster status` shows the nodes.
phase-replaying = Replaying the steps you had done, from their solutions…
phase-setup = Putting the cluster in the lab's starting state…
node-stopped = { $kind ->
    [sentinel-process] { $node } stopped cleanly (SHUTDOWN): its sentinel.conf, with what it learned, is kept; `{ -lab } node start` brings it back.
    [cluster] { $node } stopped cleanly (SHUTDOWN SAVE): its data and nodes.conf are kept; `{ -lab } node start` brings it back.
   *[other] { $node } stopped cleanly (SHUTDOWN SAVE): its data and configuration are kept; `{ -lab } node start` brings it back.
}
node-killed = { $node } killed (SIGKILL, pid { $pid }): like a crashed host.{ $kind ->
    [cluster] {" "}The others flag it fail? after cluster-node-timeout, then fail.
    [sentinel] {" "}The Sentinels see it subjectively down (+sdown) after down-after, then objectively (+odown) once a quorum agrees.
    [sentinel-process] {" "}The other Sentinels see it down after down-after, and go on counting it for the majority.
   *[other] {""}
}
node-paused = { $node } paused (SIGSTOP, pid { $pid }): like a hung host, there but silent. `{ -lab } node resume` wakes it.
node-resumed = { $node } resumed (SIGCONT).
node-started = { $node } started again (pid { $pid }) with its { $kind ->
    [cluster] nodes.conf: it rejoins the cluster.
    [sentinel-process] sentinel.conf, as it last rewrote it.
   *[other] own configuration, as CONFIG REWRITE or Sentinel last wrote it.
}
node-stopped-remote = { $node } was asked to stop (SHUTDOWN); start it again on its host.
error-node-remote = { $node } belongs to a cluster given with --nodes: only `stop` (SHUTDOWN) works through the protocol. Kill, pause, resume and start need its process: do them on its host (on the course's VMs: systemctl stop|kill|start redis-cluster@<port>).
error-node-not-running = { $node } is not running; `{ -lab } node start` starts it.
error-node-running = { $node } is already running.
error-node-not-paused = { $node } is not paused.
error-node-did-not-stop = { $node } did not stop within 10 s; `{ -lab } node kill` stops it for sure.
error-record-damaged = The cluster record { $path } is damaged ({ $reason }). `{ -lab } cluster down` stops its nodes from their directories and removes it.
cluster-record-damaged-ignored = The cluster record { $path } is damaged; going by the node directories instead.
problem-sentinel-not-refused = { $addr } does not see yet that the nodes refuse it without a password
