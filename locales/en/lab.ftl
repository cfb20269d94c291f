# The lab format: lint findings, YAML and template errors.

lint-error = error
lint-note = note
lint-warning = warning
lint-summary = { $lab }: { $errors ->
    [0] no errors
    [one] 1 error
   *[other] { $errors } errors
}, { $warnings ->
    [one] 1 warning
   *[other] { $warnings } warnings
} ({ $slides } slides, { $steps } steps)

lint-unclosed-fence = this code block is never closed, so the rest of the file is code; add the closing fence.
lint-marker-twice = a second step marker (“{ $step }”) on one slide; a slide belongs to one step.
lint-marker-malformed = this step marker has no valid step id; write <!-- step: some-id --> with a lowercase id.
lint-marker-unknown-step = “{ $step }” is not a step of lab.yaml (its steps: { $known }).
lint-marker-repeated = the step “{ $step }” was already started by an earlier slide; a step's slides must follow each other.
lint-marker-order = the step “{ $step }” comes before “{ $after }” in lab.yaml, but after it here; keep the slides in the steps' order.
lint-step-without-slide = no slide of { $file } starts the step “{ $step }”; add <!-- step: { $step } --> to its first slide (here, or before).
lint-title-missing = the title has no “{ $lang }” version, but the lab has { $lang }.md.
lint-hints-missing = the step “{ $step }” has no hints in “{ $lang }”.
lint-step-title-missing = the step “{ $step }” has no title in “{ $lang }”.
lint-no-slides = the lab has no slide files; add one per language, such as es.md and en.md.
lint-not-utf8 = a byte that is not UTF-8 (shown as �); save the file as UTF-8.
lint-mojibake = “{ $found }” looks double-encoded (UTF-8 read as an 8-bit encoding); it probably should be “{ $fixed }”.

lint-bad-node-name = “{ $value }” is not a node name; write host:port with a host of the topology, like b:6380.
lint-unknown-node = the topology has no node “{ $value }” (its nodes: { $known }).
lint-bad-lab-id = “{ $value }” is not a valid lab id; use lowercase letters, digits and dashes.
lint-unknown-language = “{ $value }” is not a language lab speaks (en, es); it will not be shown.
lint-bad-step-id = “{ $value }” is not a valid step id; use lowercase letters, digits and dashes.
lint-duplicate-step = there is already a step “{ $step }”.
lint-no-steps = the lab has no steps, so there is nothing to check.
lint-bad-host-id = “{ $value }” is not a valid host id; use a short lowercase word, like a or node1.
lint-duplicate-host = the host “{ $value }” is listed twice.
lint-bad-port = the port { $value } is zero or listed twice.
lint-port-no-bus = the port { $value } leaves no room for its cluster bus, which listens at port + 10000; use a port up to { $max }.
lint-port-is-bus = the port { $value } is the cluster bus of the port { $of } (port + 10000); choose another.
lint-bad-node-timeout = a node timeout of { $value } ms is outside 100-60000 ms.
lint-node-twice = the node { $value } already has a role in the topology.
lint-slots-overlap = the slots { $slots } are already given to another master.
lint-master-without-slots = the master { $value } serves no slots.
lint-slots-uncovered = the slot plan leaves { $slots } without a master; a cluster needs all 16384 slots covered.
lint-replica-of-non-master = { $value } is not a master of the topology, so it cannot have replicas.
lint-bad-prefix = “{ $value }” cannot be a key prefix; use a non-empty prefix without spaces or “*”, like “mf:”.
lint-too-many-keys = { $value } keys is more than the 10000000 a lab may load.
lint-unknown-check-kind = “{ $value }” is not a kind of check. Known kinds: { $known }.
lint-change-check-not-action = “{ $value }” compares with the state at the start of the step, so it only belongs in an action step.
lint-keys-without-data = a key count check needs the lab to declare its data.
lint-step-needs-checks = the { $kind } step “{ $step }” has no checks; say what the cluster must look like.
lint-read-step-checks = the step “{ $step }” is a read step, so its checks are never run; make it an observe step.
lint-action-needs-solution = the action step “{ $step }” has no solution; `lab test` needs the commands that solve it.
lint-bad-timeout = a step timeout of { $value } s is outside 1-600 s.

yaml-unknown-field = unknown field “{ $name }”; expected one of: { $known }.
yaml-unknown-value = unknown value “{ $name }”; expected one of: { $known }.
yaml-missing-field = the field “{ $name }” is missing.
yaml-duplicate-field = the field “{ $name }” appears twice.
yaml-invalid = { $detail }
yaml-duplicate-key = a key appears twice in this mapping.
yaml-expected = { $what } was expected here.
yaml-expected-found = { $what } was expected here, not { $found }.
yaml-kind-whole-number = a whole number (without a sign, within range)
yaml-kind-number = a number
yaml-kind-bool = true or false
yaml-kind-text = a text
yaml-kind-mapping = a mapping (key: value lines)
yaml-kind-list = a list (“- ” items or [a, b])
yaml-kind-other = { $name }
yaml-found-text = the text “{ $value }”
yaml-found-number = the number { $value }
yaml-found-bool = { $value }
yaml-found-mapping = a mapping
yaml-found-list = a list
yaml-found-nothing = nothing
yaml-eof = the file ends in the middle of something: a bracket, a quote or a block is not closed.
yaml-unknown-anchor = an alias (*name) to an anchor (&name) that is not defined above it.
yaml-too-deep = nested { $depth } levels deep, more than a lab needs; look for unclosed brackets.
yaml-too-big = the file is larger or more repetitive than a lab needs (too many items or aliases).
yaml-many-documents = more than one YAML document (a second “---”); a lab.yaml holds one.
yaml-syntax = the YAML cannot be read here ({ $detail }).
yaml-syntax-colon = a “: ” where YAML does not allow one; put the text in quotes if it contains “: ”.
yaml-syntax-indent = the indentation does not match the lines above; align this line with its siblings.
yaml-syntax-tab = a tab used for indentation; YAML indents with spaces.
yaml-syntax-bracket = a bracket ([ or {"{"}) is not closed, or two items lack the comma between them.
yaml-syntax-quote = a quote is not closed.
yaml-syntax-escape = an escape in double quotes that YAML does not know (like \q); write \\ for a backslash, or use single quotes.
yaml-syntax-after-quote = text after a closing quote; put the whole value inside the quotes.
yaml-slot-range = “{ $value }” is not a slot range; write 0-5960 or a single slot, between 0 and 16383.
yaml-node-name = “{ $value }” is not a node name; write host:port, like b:6380.
yaml-expected-kind = the check “{ $value }” needs a value; write it as “{ $value }: …”.
yaml-role = “{ $value }” is not a role; write master or replica.
yaml-data-type = “{ $value }” is not a data type; use string, hash, list, set or zset.
yaml-check-two-kinds = a check has one kind, but this one also says “{ $value }”; start a new list item for it.

template-unknown-host = the topology has no host “{ $value }” (its hosts: { $known }).
template-unknown-node = the topology has no node “{ $value }” (its nodes: { $known }).
template-syntax = template syntax error: { $detail }
template-syntax-unclosed = the template is not closed: a “{"{{"}” without its “{"}}"}”, or a “{"{%"}” without its “{"%}"}”.
template-syntax-variable = something follows the expression where “{"}}"}” should close it.
template-syntax-block = something follows the statement where “{"%}"}” should close it.
template-syntax-statement = “{ $name }” is not a template statement (for, if, set… are).
template-arguments = the wrong number of arguments in “{ $detail }”: node(host, port), host(host), port(host, port).
template-invalid = “{ $detail }” cannot be worked out: check the types of what it combines.
template-undefined = undefined in the template: { $detail }. Known names: node(), host(), port(), bus_port(), node_id(), lab, prefix, keys.
template-unknown-function = unknown template function: { $detail }. Known: node(host, port), host(host), port(host, port), node_id(host, port).
template-error = template error: { $detail }
template-too-long = the template runs too long: it was stopped after { $steps } steps of work. Is a loop bounded by more than the lab needs?
template-too-large = the template writes more than { $size } KB; it was stopped there.
lint-consistency-not-started = the step “{ $step }” checks the consistency test, but no step up to it starts one; add `background: consistency` to the step where it should start.
lint-bad-pass-mark = a pass mark of { $value } % is outside 1-100 %.
lint-bad-time-limit = a time limit of { $value } s is outside 10-7200 s.
lint-no-criteria = the exercise has no criteria, so there is nothing to grade.
lint-duplicate-criterion = there is already a criterion “{ $id }”.
lint-criterion-no-points = the criterion “{ $id }” is worth no points.
lint-criterion-no-checks = the criterion “{ $id }” has no checks.
lint-exercise-needs-solution = the exercise has no solution; `lab test` needs the commands that solve it.
lint-exercise-missing = a lab of kind exercise needs an `exercise:` section with its criteria.
lint-exercise-in-lab = only a lab of `kind: exercise` has an `exercise:` section.
lint-exercise-solved-by-setup = the exercise is already solved by its setup: an untouched cluster would score { $percent } %, at least the pass mark { $mark } %.
lint-description-missing = the criterion “{ $id }” has no description in “{ $lang }”.
lint-not-simulated = criterion “{ $id }”: { $check } is not simulated ({ $why }); `lab test` proves it on a real cluster.
lint-solution-empty = an empty { $kind } solution line.
lint-solution-quotes = unbalanced quotes in the solution line “{ $line }”.
lint-solution-unknown-command = Redis has no command “{ $command }”.
lint-solution-unknown-subcommand = Redis has no command “{ $command } { $sub }”.
lint-solution-lab = `lab { $line }` would not run: { $why }
lint-lab-line-command = lab has no command “{ $name }” (see `lab --help`).
lint-lab-line-incomplete = the command is incomplete (see `lab help` for what it takes).
lint-lab-line-argument = lab does not take “{ $name }” there.
lint-lab-line-value = “{ $value }” is not a value { $name } takes.
