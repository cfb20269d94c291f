# The consistency checker: counters written and read back through failovers.

consistency-no-seeds = no cluster node was given to run the consistency test against.
consistency-bad-prefix = the consistency test needs a key prefix (for example lc:); an empty one would reach every key of the cluster.
consistency-no-slots = { $addr } serves no slots: it is not part of a formed cluster (run `{ -lab } cluster check`).
consistency-no-master = no node says it is the master (ROLE), or no Sentinel names one: is the replication up? See `{ -lab } cluster status`.
