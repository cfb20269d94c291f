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
