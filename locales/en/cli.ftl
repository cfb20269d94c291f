# Help texts for every command and argument (`lab --help`, `lab <command> --help`).

help-usage = Usage:
help-heading-commands = Commands
help-heading-options = Options
help-heading-arguments = Arguments
help-value-command = COMMAND
help-value-options = [OPTIONS]
arg-help = Print help
arg-version = Print version

about-lab = Hands-on Redis Cluster labs: course slides turned into exercises checked on a real cluster.
arg-lab-lang = Language of messages and slides: en or es [default: from LAB_LANG, LANGUAGE, LC_ALL, LC_MESSAGES or LANG, else en]
arg-lab-color = When to use colours: auto, always or never [default: auto; NO_COLOR turns them off]
arg-lab-labs_dir = Directory that holds the labs [env: LAB_LABS_DIR; default: ./labs, else the labs of this build]

about-list = List the labs, with their titles and number of steps
about-show = Show a lab's slides in the terminal
arg-show-lab = Lab id (see `lab list`), lab directory, or a slide file
arg-show-notes = Also show the speaker notes
arg-show-topology = Addresses to fill in: local (127.0.158.100-102) or vagrant (the course's VMs, 192.168.158.100-102) [default: local]
about-lint = Check labs for mistakes: manifest, slides, step markers, templates, checks, solutions, encoding
arg-lint-labs = Lab ids, lab directories or slide files

cli-invalid-value = “{ $value }” is not a valid value for { $arg }.
cli-possible-values = Possible values: { $valid }.
cli-unknown-argument = unknown option { $arg }.
cli-unknown-command = unknown command “{ $command }”.
cli-missing-argument = missing required argument: { $arg }.
cli-missing-command = a command is missing.
cli-conflict = { $arg } cannot be used with { $other }.
cli-wrong-values = wrong number of values for { $arg }.
cli-try-help = Run with --help to see what is accepted.

arg-lab-state_dir = Where the cluster and progress are kept [env: LAB_STATE_DIR; default: $XDG_STATE_HOME/lab or ~/.local/state/lab]
arg-lab-redis_server = The redis-server to run [env: LAB_REDIS_SERVER; default: redis-server on PATH]
arg-lab-base_ip = First loopback address of the local cluster's hosts [env: LAB_BASE_IP; default: 127.0.158.100]
arg-lab-shared_loopback = Run every node on 127.0.0.1 with distinct ports (from LAB_BASE_PORT, 7000), as where 127.0.158.x cannot be bound
arg-lab-quiet = No progress spinners
about-cluster = Start, inspect, check and stop the lab's Redis Cluster
about-cluster-up = Start the lab's cluster (or reuse a healthy one) and load its data
arg-cluster-up-lab = Lab whose topology and data to use [default: the running cluster's lab, else manual-failover]
arg-cluster-up-fresh = Re-form the cluster even if it is healthy, on the running nodes where possible (the data is loaded again)
arg-cluster-up-nodes = Use these existing nodes instead of starting redis-server: host:port or redis://[:password@]host:port, comma-separated, in the lab's node order
about-cluster-status = Show every node: role, slots, keys, master, replication link, offset, flags
arg-cluster-status-nodes = Look at these nodes instead of the local cluster (host:port, comma-separated)
arg-cluster-status-json = Print the full snapshot as JSON
about-cluster-check = Check a cluster like redis-cli --cluster check, plus nodes, failures, roles and replication links; exit 1 on any error
arg-cluster-check-node = Any node of the cluster to check (the others are found from it) [default: the local cluster]
arg-cluster-check-nodes = Check exactly these nodes (host:port, comma-separated)
about-cluster-down = Stop every node of the local cluster, including those left by a killed runner, and remove their files
about-logs = Show a local node's log
arg-logs-node = The node: its address (127.0.158.101:6379) or the lab's name for it (b:6379)
arg-logs-follow = Keep printing what is written to the log (Ctrl-C to stop)
arg-logs-lines = How many lines from the end to show [default: 40]
about-bench = Measure how fast the runner is on this machine and print medians (a private cluster on 127.0.160.100-102)
arg-bench-what = What to measure: provision (cold up, re-form, snapshot, down)
arg-bench-runs = How many runs [default: 5]
about-test = Prove a lab works: on a fresh cluster of its own, each action fails before its solution and passes after, each observe step holds
arg-test-lab = The lab to test
