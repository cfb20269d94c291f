# Checks: what was expected and what the cluster shows now.

verify-it-does-not-answer = it does not answer
verify-it-is-empty-master = it is a master without slots
verify-it-is-plain-master = it is a master
verify-it-is-master = it is master of { $slots }
verify-it-is-replica = it is a replica of { $master }
verify-cluster-ok = these nodes do not report cluster_state:ok: { $nodes }
verify-slots-covered = { $count ->
    [one] 1 slot has
   *[other] { $count } slots have
} no master: { $slots }
verify-nodes-agree = the nodes do not agree yet: { $detail }
verify-nodes-agree-unreachable = the nodes cannot be compared: { $node } does not answer
verify-no-open-slots = some slots are still migrating or importing: { $slots }
verify-replicas-in-sync = the replication link to the master is down on { $nodes }
verify-masters = expected { $expected } masters serving slots; there are { $actual } ({ $nodes })
verify-replicas = expected { $expected } replicas; there are { $actual }
verify-keys = expected { $expected } lab keys; the masters hold { $actual }
verify-keys-unknown = expected { $expected } lab keys; they could not be counted
verify-role = expected { $node } to be { $role }; { $actual }
verify-replica-of = expected { $node } to be a replica of { $master }; { $actual }
verify-slots = expected { $node } to be master of { $slots }; { $actual }
verify-no-start-state = no state of { $node } was recorded when the step began, so changes cannot be checked; restart the step
verify-epoch-rose = expected the config epoch of { $node } to rise above { $before }; it is still { $now }
verify-epoch-unknown = the config epoch of { $node } cannot be read: it does not answer
verify-roles-not-paired = { $a } and { $b } were not master and replica of each other when the step began
verify-roles-swapped = expected { $replica } to take over from its master { $master }; { $actual }
verify-consistency-not-running = no consistency test is running for this step
verify-consistency-lost = the consistency test lost { $lost } acknowledged writes that no uncoordinated failover explains (at most { $allowed } allowed)
verify-consistency-unverified = the consistency test has yet to read { $count } keys of the moved slots on their new master: until then it cannot say what the change lost
verify-consistency-no-failover = the consistency test made { $writes } writes but no slot it wrote to changed master while it ran (no failover, no resharding)

diagnose-wrong-replica = { $promoted } took over from { $master }, but this step wants { $expected } promoted. Undo it by failing back once every node knows of the change (a few seconds: until then { $promoted } ignores its new replica and the failover times out; `{ -lab } cluster check` says when all nodes agree): { $undo }
diagnose-sent-to-master = { $node } is a master, so it refused CLUSTER FAILOVER ("You should send CLUSTER FAILOVER to a replica"). Send it to the replica { $replica }: { $command }
diagnose-link-down = { $replica } cannot take over: its replication link to { $master } is down (INFO replication shows master_link_status). Wait for it to come back up, then try again.
diagnose-timed-out = { $replica } accepted CLUSTER FAILOVER { $seconds } s ago, but the roles have not changed: a manual failover gives up after 5 s when the replica cannot catch up with its master or does not get the votes. Masters refuse a second vote for the same master within 2 × cluster-node-timeout ({ $vote } s here), and a replica that ran an election cannot start another within 4 × cluster-node-timeout ({ $retry } s here). Check that its link is up (INFO replication), wait { $retry } s, then run it again: { $command }
verify-consistency-changes = the consistency test saw slots change master { $seen } times; at least { $expected } expected (a failover and a failback are two)
verify-known-nodes = expected every node to know { $expected } nodes; { $node } knows { $known }
verify-known-nodes-unreachable = the nodes cannot be counted: { $node } does not answer
verify-down = expected { $node } to be down; it answers
verify-flagged = expected the other nodes to flag { $node } as { $flag }; none does yet
verify-elapsed-soon = this happened { $secs } s after the step began, sooner than { $min } s
verify-elapsed-late = this took { $secs } s from the start of the step, longer than { $max } s
verify-info = expected { $field } of { $node } to be { $wanted }; it is { $now } (it was { $before } when the step began)
verify-info-changed = changed
verify-info-unchanged = unchanged
verify-info-increased = increased by { $by }
verify-info-no-field = { $node } has no INFO field { $field } (the replication, stats, persistence, server and errorstats sections are read)
verify-info-unreachable = the INFO of { $node } cannot be read: it does not answer
verify-syncs = expected { $node } to serve full syncs: { $want_full }, partial resyncs: { $want_partial } since the step began; it served { $full } full and { $partial } partial ({ $refused } partial refused)
verify-syncs-unknown = the syncs { $node } served cannot be read: it does not answer
verify-keys-follow-slots = expected { $node } to hold the { $expected } lab keys of the slots it serves; it holds { $actual }

# How a check is written: what its arguments must be.
check-bad-value = “{ $value }” is not { $what }; write it like { $usage }
check-missing-field = “{ $field }” is missing from { $kind }; write it like { $usage }
check-unknown-field = “{ $field }” is not a field of { $kind } (its fields: { $known }); write it like { $usage }
check-what-fields = a map of { $fields }
check-what-node = a node name
check-what-number = a whole number
check-what-flag = true or false
check-what-role = a role
check-what-slots = a list of slot ranges
check-what-nodes = a list of { $count } node names
check-what-info-field = an INFO field name, like sync_full
check-what-comparison = a map with one of { $known }
check-what-info-value = a single value
check-syncs-what = full:, partial: or both
check-what-flag-kind = a failure flag (fail or suspected)

# Why lint cannot judge a check on the pictured state.
sim-not-consistency = { $kind } reads the consistency test running in the background
sim-not-time = { $kind } measures time on a real cluster
sim-not-processes = { $kind } depends on which processes run
sim-not-info = { $kind } reads INFO fields only running nodes have
sim-not-syncs = { $kind } counts the syncs running nodes served
sim-not-gossip = { $kind } depends on what the nodes tell each other over time

verify-key-missing = { $node } has no key “{ $key }”.
verify-key-present = { $node } still has the key “{ $key }” (a { $kind }); it should be gone.
verify-key = on { $node } the key “{ $key }” should be { $wanted }; it is { $has }.
verify-key-len = { $len ->
    [one] length 1
   *[other] length { $len }
}
check-what-key = the name of a key, like “key: greeting”
check-what-key-type = one of { $known }
check-what-key-value = a value, as text
check-key-missing-with-fields = “exists: false” says the key is gone; it cannot have a type, value or length too.
sim-not-key = “{ $kind }” reads the keys themselves, which a pictured state does not hold.
verify-config = { $name } on { $node } should be { $wanted }; it is { $has }.
verify-config-value = “{ $value }”
verify-config-set = set
verify-config-unset = not set
verify-config-empty = empty
verify-config-unknown = { $node } did not give { $name } (CONFIG GET has no such parameter, or was refused).
check-what-config-name = a CONFIG parameter, like “name: repl-backlog-size”
check-what-config-value = a value, as CONFIG GET gives it
check-config-secret-value = a password's value is never read; ask “set: true” instead.
check-config-value-or-set = one of “value:” or “set:”
sim-not-config = “{ $kind }” reads the nodes' CONFIG, which a pictured state does not hold.
verify-no-sentinel = no Sentinel answers.
verify-sentinel-forgot = { $sentinel } does not monitor the lab's master
verify-sentinel-master = every Sentinel should name { $master } as the master; { $others }
verify-sentinel-unreachable = the Sentinel { $sentinel } does not answer.
verify-sentinel = the Sentinel { $sentinel } should { $what }
verify-sentinel-replicas = know { $wanted } replicas; it knows { $seen }
verify-sentinel-sentinels = know { $wanted } other Sentinels; it knows { $seen }
verify-sentinel-sees = see the master { $wanted }; it sees it { $seen }
check-what-sentinel-sees = one of { $known }
check-sentinel-nothing = a check of what the Sentinel knows: replicas, sentinels, sees or quorum
sim-not-sentinel = “{ $kind }” asks the Sentinels, which a pictured state does not have.

# reply
check-reply-command = “{ $command }” is not a command a check may send: it is sent many times a second, so only these are taken: { $allowed }
check-reply-what = one of “is: <answer>”, “error: <how the refusal starts>” or “changed: true”
verify-reply-unanswered = { $node } gave no answer to “{ $command }”: it does not answer
verify-reply-value = { $node } should answer “{ $command }” with “{ $want }”; it answered { $got }
verify-reply-error = { $node } should refuse “{ $command }” with { $want }; it answered { $got }
verify-reply-unchanged = { $node } still answers “{ $command }” as when the step began: { $got }
sim-not-reply = “{ $kind }” sends a command to a running node, which a pictured state cannot answer.
verify-sentinel-quorum = have a quorum of { $wanted }; it has { $seen }

verify-info-now = expected { $field } of { $node } to be { $wanted }; it is { $now }
verify-info-eq = { $value }
verify-info-ne = other than { $value }
verify-info-lt = below { $value }
verify-info-le = at most { $value }
verify-info-gt = above { $value }
verify-info-ge = at least { $value }
