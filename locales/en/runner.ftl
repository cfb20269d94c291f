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
