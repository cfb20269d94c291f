# Running labs: lab test, lab start, progress, solutions.

kind-action = action
kind-observe = observe
kind-read = read
error-cluster-other-lab = the running cluster was made for the lab “{ $lab }”, whose nodes do not fit this one; run `lab cluster up --fresh --lab <this lab>` or `lab stop` first.
solution-unbalanced-quotes = unbalanced quotes in “{ $line }”
solution-failed = “{ $line }” failed: { $reason }
solution-timed-out = “{ $line }” did not finish within { $seconds } s
solution-unknown-node = the solution names { $node }, which the cluster does not have
test-start = Testing { $lab } in “{ $lang }” on a fresh cluster of its own…
test-step = STEP
test-kind = KIND
test-result = RESULT
test-time = CHECKS PASSED AFTER
test-failed = the lab { $lab } did not pass.
test-passed = { $lab }: all { $steps } steps passed.
test-no-language = the lab { $lab } has no slides in “{ $lang }”.
test-did-not-hold = the checks passed, then stopped holding:
test-passed-before = its checks already pass before the solution runs, so the step asks nothing of the student.
test-not-within = its checks did not pass within { $seconds } s of the solution:

start-resuming = Resuming at step “{ $step }”.
start-saved = Progress saved; `lab start { $lab }` resumes here. The cluster keeps running (`lab stop` stops it).
start-step = Step { $n }/{ $total }: { $title } ({ $kind })
start-waiting-cluster = The cluster is still starting; the checks begin as soon as it is ready.
start-waiting-for = waiting: { $what }
start-keys = ↵ next · b back · c check · h hint · n notes · s prompt · l log · q quit
start-cluster-reused = The lab's cluster is running and healthy.
start-cluster-ready = The lab's cluster is ready ({ $secs } s).
start-cluster-failed-hint = Fix what is said above, then run `lab start` again; `lab cluster status` shows the nodes.
start-nothing-to-check = This step has nothing to check: read it and continue.
start-passed = { $title }: done ({ $secs } s).
start-unknown-input = “{ $input }” is not a runner command: Enter (next), b, c, h, n, s, l or q.
start-not-checked-yet = its checks have not been looked at yet
start-finish-first = finish step “{ $step }” first: { $why }. Press h for a hint, c to check again.
start-no-hints = This step has no hints.
start-hint = Hint { $n }/{ $total }:
start-log = The end of { $node }'s log (for reading; checks never use logs):
start-shell-enter = Built-in prompt: Redis commands go to the node shown; `exit` returns to the lab.
start-finished = { $lab } complete: { $steps } steps in { $minutes } min { $seconds } s, { $hints ->
    [0] no hints used
    [one] 1 hint used
   *[other] { $hints } hints used
}.
stop-done = Progress of { $lab } saved; its cluster is stopped ({ $count } nodes).
error-no-lab-started = no lab has been started here; run `lab start <lab>` (see `lab list`).
error-lab-not-started = the lab { $lab } has not been started; run `lab start { $lab }`.
error-unknown-step = “{ $step }” is not a step of this lab (its steps: { $known }).
check-lab-finished = The lab { $lab } is complete.
check-read-step = { $title }: nothing to check; continue with the next step.
check-passed = { $title }: the cluster shows it.
check-next = Next: { $title }
check-failed-step = { $title }: not yet.
check-not-yet = the step's checks do not hold yet.
status-lab = LAB
status-step = STEP
status-passed = PASSED
status-hints = HINTS
status-time = TIME
status-finished = complete
status-no-progress = No lab started yet: `lab list` shows them, `lab start <lab>` starts one.
status-cluster = Cluster: { $lab }, { $nodes }/{ $total } nodes answering, { $health }.
status-cluster-healthy = healthy
status-cluster-unhealthy = not healthy (see `lab cluster check`)
status-no-cluster = No cluster is running.
reset-replay-failed = replaying step “{ $step }” did not reach its state: { $why }
reset-already = it was already there
reset-takeover = { $count } { $count ->
    [one] master took
   *[other] masters took
} { $count ->
    [one] its
   *[other] their
} slots back with CLUSTER FAILOVER TAKEOVER
reset-reformed = re-formed on the running nodes
reset-done = Back at the start of step “{ $step }” ({ $how }).
