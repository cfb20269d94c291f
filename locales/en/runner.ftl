# Running labs: lab test, lab start, progress, solutions.

kind-action = action
kind-observe = observe
kind-read = read
error-cluster-other-lab = the running cluster was made for the lab “{ $lab }”, whose nodes do not fit this one; run `{ -lab } cluster up --fresh --lab <this lab>` or `{ -lab } stop` first.
solution-unbalanced-quotes = unbalanced quotes in “{ $line }”
solution-failed = “{ $line }” failed: { $reason }
solution-expected-error = “{ $line }” should have been refused with { $error }, but the node answered: { $got }
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
start-resuming-exercise = Resuming the exercise where you left it (`{ -lab } grade` grades the cluster as it is).
start-saved = Progress saved; `{ -lab } start { $lab }` resumes here. The cluster keeps running (`{ -lab } stop` stops it).
progress-damaged = warning: the saved progress in { $path } could not be read; it was moved to { $aside } and the lab starts over.
start-saved-exercise = Progress saved; `{ -lab } start { $lab }` resumes here, and `{ -lab } grade { $lab }` grades the cluster as it is. The cluster keeps running (`{ -lab } stop` stops it).
start-step = Step { $n }/{ $total }: { $title } ({ $kind })
start-waiting-cluster = Waiting for the cluster; the checks begin as soon as it is ready.
start-waiting-for = waiting: { $what }
start-cluster-reused = The lab's cluster is running and healthy.
start-cluster-reused-as-left = The lab's cluster is running, as you left it.
start-cluster-replayed = The lab's cluster had to be built again ({ $secs } s): the steps before “{ $step }” were replayed from their solutions.
start-cluster-ready = The lab's cluster is ready ({ $secs } s).
start-cluster-failed-hint = Fix what is said above, then run `{ -lab } start` again; `{ -lab } cluster status` shows the nodes.
start-nothing-to-check = This step has nothing to check: read it and continue.
start-unknown-input = “{ $input }” is not a runner command: Enter (next), b, c, h, n, s, l or q.
start-not-checked-yet = its checks have not been looked at yet
start-finish-first = finish step “{ $step }” first: { $why }. Press h for a hint, c to check again.
start-no-hints = This step has no hints.
start-hint = Hint { $n }/{ $total }:
start-log = { $node }'s log since the change this slide is about began (for reading: checks never use logs):
start-shell-enter = Built-in prompt: Redis commands go to the node shown; `exit` returns to the lab.
start-finished = { $lab } complete: { $steps } steps in { $minutes } min { $seconds } s, { $hints ->
    [0] no hints used
    [one] 1 hint used
   *[other] { $hints } hints used
}.
start-finished-exercise = { $lab } passed: best grade { $percent } % in { $minutes } min { $seconds } s, { $hints ->
    [0] no hints used
    [one] 1 hint used
   *[other] { $hints } hints used
}.
stop-done = Progress of { $lab } saved; its cluster is stopped ({ $count } nodes).
error-no-lab-started = no lab has been started here; run `{ -lab } start <lab>` (see `{ -lab } list`).
error-lab-not-started = the lab { $lab } has not been started; run `{ -lab } start { $lab }`.
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
status-no-progress = No lab started yet: `{ -lab } list` shows them, `{ -lab } start <lab>` starts one.
status-cluster = Cluster: { $lab }, { $nodes }/{ $total } nodes answering, { $health }.
status-cluster-healthy = healthy
status-cluster-unhealthy = not healthy (see `{ -lab } cluster check`)
status-no-cluster = No cluster is running.
reset-replay-failed = replaying step “{ $step }” did not reach its state: { $why }
reset-already = the cluster was already at the lab's start
reset-and-replayed = { $how }, then { $count } { $count ->
    [one] earlier step
   *[other] earlier steps
} replayed from { $count ->
    [one] its solution
   *[other] their solutions
}
reset-takeover = { $count } { $count ->
    [one] master took
   *[other] masters took
} { $count ->
    [one] its
   *[other] their
} slots back with CLUSTER FAILOVER TAKEOVER
reset-reformed = re-formed on the running nodes
reset-done = Back at the start of step “{ $step }” ({ $how }).

cons-err = { $count } err
cons-lost = { $count } lost
cons-noack = { $count } noack
cons-ops = { $ops } ops/s
cons-started = Consistency test { $run }: { $keys } counter keys, { $workers } workers, a line a second; Ctrl-C ends it.
cons-summary-head = Consistency test { $run }: { $secs } s, { $workers } workers, { $keys } keys.
cons-summary-ops = { $reads } reads ({ $read_errors } errors), { $writes } writes ({ $write_errors } errors), { $ops } ops/s.
cons-summary-lost = Acknowledged writes lost: { $lost }.
cons-summary-errors = Errors by kind: { $kinds }.
cons-summary-redirects = Redirected while slots changed master (normal, then retried): { $kinds }.
cons-summary-no-failover = No slot it wrote to changed master.
cons-summary-failover = Slots { $slots } moved from { $from } to { $to } at { $at } s: { $kind }.
cons-summary-master-changed = The master changed from { $from } to { $to } at { $at } s: { $kind }.
cons-summary-leftovers = Removed { $count } keys left by an earlier run that was killed.
cons-passed = No acknowledged write was lost.
cons-failed = { $lost } acknowledged writes were lost.
cons-lost-explained = { $count } lost ({ $explained } explained)
cons-unverified = { $count } to read on their new master
cons-kind-coordinated = a coordinated failover
cons-kind-uncoordinated = an uncoordinated failover
cons-kind-migration = a slot migration
cons-kind-unknown = a change the new master did not describe
cons-summary-rate = Paced at no more than { $rate } ops/s, to leave the machine to the cluster (--rate max lifts it).
cons-summary-rate-max = Unpaced (--rate max): as fast as the cluster answers.
cons-summary-explained = { $explained } of them were written where an uncoordinated failover took over. A master acknowledges a write before its replica has it (replication is asynchronous); a failover without the old master (TAKEOVER, FORCE, a master that died, a Sentinel failover) loses what the replica had not yet received. That is what Redis allows, not a fault of this run; a coordinated failover (CLUSTER FAILOVER, or the FAILOVER command of plain replication) waits for the replica and loses nothing.
cons-summary-unacked = Not acknowledged, not counted as lost: { $noack } applied without a reply, { $maybe } sent without a reply (applied or not), { $gone } seen by a read and later gone.
cons-summary-sweep = Final sweep: { $swept } keys read again on their master in { $ms } ms.
cons-summary-unverified = { $count } keys could not be read again before the end (a node down?): what happened to them is not known.
cons-summary-window = Longest write unavailability { $ms } ms (the shard of { $master }, from { $at } s), from the last acknowledged write to the first after it, to within { $resolution } ms (the usual gap between two).
cons-summary-round-trip = Pipeline round trip (one pipeline per master and batch of keys, not one command): p50 { $p50 } ms, p99 { $p99 } ms, max { $max } ms.
cons-passed-explained = No acknowledged write was lost that the failovers do not explain ({ $explained } lost to uncoordinated failovers, as above).
cons-unverified-verdict = No loss seen, but { $count } keys could not be read again: the test cannot say that nothing was lost.
error-bad-duration = “{ $value }” is not a duration; write 30s, 2m, 500ms or a number of seconds.
start-consistency-started = The consistency test is running: counters written and read through the cluster, every lost acknowledged write counted (its line is below).

grade-criterion = CRITERION
grade-points = POINTS
grade-differs = WHAT DIFFERS
grade-hint-penalty = { $hints ->
    [one] 1 hint used
   *[other] { $hints } hints used
}: -{ $points } points.
grade-total = Total: { $points }/{ $max } ({ $percent } %). { $verdict }
grade-passed = Passed.
grade-not-passed = Not passed yet: { $mark } % is needed.
grade-saved = Report saved to { $path }.
grade-text-head = Grade of { $lab } (lab files { $hash }), in “{ $lang }”, attempt { $attempt }.
grade-integrity = Integrity
grade-verify-unreadable = { $path } is not a grade report: { $reason }
grade-verify-authentic = The report is authentic: signed with this key and unchanged ({ $lab }, { $percent } %).
grade-verify-checksum = The report is unchanged since it was written ({ $lab }, { $percent } %). It carries a checksum, not a signature: it catches accidents, not forgeries.
grade-verify-unsigned = the report is not signed with your key: it carries only a checksum, which anyone can compute, so it proves nothing.
grade-verify-needs-key = the report is signed: give the key with --key-file or LAB_GRADE_KEY to check it.
grade-verify-altered = { $path } was changed after it was written (or signed with another key).
error-not-an-exercise = the lab { $lab } is not an exercise: it has no grade. Its steps are checked as you go (`{ -lab } check`).
test-exercise-solved-untouched = the untouched setup already scores { $percent } %, at least the pass mark: the exercise asks nothing.
test-exercise-not-solved = after the solution, not every criterion held within { $seconds } s:
test-exercise-unsolved = Untouched setup: { $points }/{ $max } ({ $percent } %), below the pass mark { $mark } %.
test-exercise-solved = After the solution: { $points }/{ $max } ({ $percent } %) in { $secs } s.
start-exercise = Exercise: g grades it, h gives a hint (costs { $cost } points). { $left }
start-time-left = Time left: { $left }.
start-time-up = Time is up: this is your grade as the cluster stands.
start-exercise-end = That was the last slide. Work on the cluster; press g to grade, q to leave (your work is kept).
start-exercise-passed = Exercise passed.
status-exercise-passed = exercise passed, best { $best } %
status-exercise-best = exercise, best { $best } % (passes at { $mark } %)
status-exercise-ungraded = exercise, not graded yet
test-exercise-passed = { $lab }: the untouched setup fails and the solution passes.

# The runner's screen.
start-keys = ↵ next · b back · ↑↓ PgUp PgDn scroll · c check · h hint · n notes · s prompt · l log · y copy · ? keys · q quit
start-keys-prompt = ↵ run · ↑↓ history · Esc or exit: back to the slides
start-keys-closing = ↑↓ PgUp PgDn scroll · b back to the slides · any other key: leave
start-keys-overlay = ↑↓ PgUp PgDn scroll · q or Esc close
start-state-no-cluster = no cluster
start-state-cluster = waiting for the cluster
start-state-waiting = being checked
start-state-later = a later step
start-state-done = done
start-more-below = ▼ { $count } more { $count ->
    [one] line
   *[other] lines
} (↓, PgDn, Space)
start-no-notes = This slide has no speaker notes.
start-copied = Copied to the clipboard: { $command }
start-nothing-to-copy = This slide shows no command to copy.
start-no-more-hints = { $total ->
    [one] No more hints: the only one is shown above.
   *[other] No more hints: all { $total } are shown above.
}
start-at-once = at once
start-took-under = under { $secs }
start-passed-request = { $title }: done. The cluster took { $took } from CLUSTER FAILOVER on { $node } to this state (seen every { $every }).
start-passed-fault = { $title }: done. The nodes took { $took } from `{ -lab } node { $action } { $node }` to this state.
start-passed-step = { $title }: done, { $took } after the step began.
start-passed-at-once = { $title }: done, as soon as the step began.
start-you-spent = You: { $secs } on this step.
start-not-saved = Progress not saved: { $why }. It is tried again at the next change.
start-not-saved-quit = Progress could not be saved: { $why }.
start-taken-over = Another `{ -lab } start` (pid { $pid }) took this lab over; progress saved.
start-already-running = { $lab } is already running in another { $what } (pid { $pid }, since { $since }). Go on there, quit it there, or take it over here with `{ -lab } start { $lab } --take-over`.
start-already-running-unknown = { $lab } is already running in another terminal. Go on there, quit it there, or take it over here with `{ -lab } start { $lab } --take-over`.
start-take-over-no-answer = the runner of this lab (pid { $pid }) did not save and quit within { $secs } s; stop it (kill { $pid }) and try again.
start-invocation = Here `lab` is `{ $invocation }`: where the slides say `lab …`, run `{ $invocation } …` (from this directory), or install it with `cargo install --path .`.
start-closing-key = Press any key to leave (b goes back to the slides).
start-col-cluster = CLUSTER TOOK
start-col-you = YOU TOOK
start-from-request = { $took } from CLUSTER FAILOVER
start-from-fault = { $took } from `node { $action }`
start-log-empty = Nothing new in { $node }'s log since the change this slide is about began; its last lines:
start-cluster-failed = the lab's cluster could not be brought up.
start-help-title = Keys
start-help =
    Enter, →          next slide (the step on screen must be done)
    b, ←, Backspace   previous slide
    ↑ ↓, j k          scroll the slide a line
    PgUp PgDn, Space  scroll a page (Space at the bottom: next slide)
    Home End          top, bottom of the slide
    c                 check the current step now, and say what differs
    h                 the next hint (an exercise's cost points)
    n                 speaker notes
    s                 built-in redis-cli prompt (exit or Esc returns)
    l                 the log of the node the slide is about, since the step began
    g                 grade an exercise
    y                 copy the slide's command to the clipboard
    q                 quit: progress is saved, the cluster keeps running
watch-holding = the checks hold: { $held } of the { $hold } s they must keep holding
start-resumed-as-left = Resumed on the nodes as you left them, though not all are healthy (`{ -lab } cluster status` says what): that may be the step you were on. `{ -lab } reset` puts this step's start back.
