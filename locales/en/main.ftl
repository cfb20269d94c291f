# General messages: errors at the edge, list and show.

error-prefix = error
error-lab-not-found = no lab called “{ $id }” (looked in: { $searched }). Run `{ -lab } list` to see the labs, or give the path of a lab directory or slide file.
error-io-not-found = { $path } does not exist.
error-io-permission = { $path } cannot be read or written: permission denied.
error-io = { $path }: { $reason }
error-lint-failed = { $count ->
    [one] 1 error found; fix it and run `{ -lab } lint` again.
   *[other] { $count } errors found; fix them and run `{ -lab } lint` again.
}
error-interrupted = interrupted; everything this command had started was stopped.

list-empty = No labs in { $dir }. Point `--labs-dir` (or LAB_LABS_DIR) at a directory of labs.
list-steps = { $count ->
    [one] 1 step
   *[other] { $count } steps
}

show-step = step { $step }
show-notes = Speaker notes:
show-no-slides = the lab “{ $lab }” has no slide files.
show-language-fallback = This lab has no slides in “{ $wanted }”; showing “{ $shown }”.

bench-machine = Medians on this machine ({ $cores } cores):
bench-what = MEASURED
bench-median = MEDIAN
bench-min = MIN
bench-max = MAX
bench-runs = RUNS
bench-target = TARGET
bench-cold-up = cold `cluster up` to healthy (ok, linked, data loaded)
bench-reform = re-form on running nodes (`--fresh`, lab reset)
bench-snapshot = one ClusterState snapshot
bench-down = `cluster down`
bench-bad-snapshot = a snapshot did not see the lab's { $keys } keys; the benchmark cluster is not healthy.
bench-failover-runner = CLUSTER FAILOVER to the step's check mark (runner, 100 ms looks)
bench-failover-reported = the time the ✓ gives (from the command's arrival)
bench-failover-tight = CLUSTER FAILOVER to roles swapped (5 ms looks)
bench-failover-stuck = a failover did not complete within 30 s.
bench-consistency-paced = consistency test, reads + writes per second, default pace (5 s runs)
bench-consistency-max = consistency test, reads + writes per second, --rate max (5 s runs)
bench-consistency-fo-alone = CLUSTER FAILOVER as the nodes time it (old master's log), no checker
bench-consistency-fo-paced = CLUSTER FAILOVER as the nodes time it, checker at its default pace
bench-consistency-fo-max = CLUSTER FAILOVER as the nodes time it, checker at --rate max
bench-consistency-window = write window the checker measured on that failover (default pace)
bench-consistency-window-over = that window minus the nodes' own timing
bench-consistency-sweep = final sweep of { $keys } keys
export-written = Wrote { $path }.
export-template = { $file }:{ $pos }: { $reason }
list-exercise = exercise, { $criteria ->
    [one] 1 criterion
   *[other] { $criteria } criteria
}
bench-sentinel-asked = SENTINEL FAILOVER to every Sentinel naming the new master
bench-sentinel-rejoined = SENTINEL FAILOVER to the old master replicating the new one
bench-sentinel-killed = master killed (SIGKILL) to every Sentinel naming a new one (down-after 2 s)
bench-screen-idle = a key to its redrawn screen in `lab start` (pty), nothing in the background
bench-screen-test = a key to its redrawn screen in `lab start`, its consistency test running
bench-screen-key = the slide a key asked for
bench-screen-ready = the step's slide with the cluster up
bench-screen-stuck = `lab start` did not show { $what } in time; its screen:
    { $screen }
