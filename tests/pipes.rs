//! Output into a pipe whose reader went away (`lab show … | head`) ends the output quietly:
//! no panic, no backtrace, the command's usual exit code.

mod common;

use common::lab;

#[test]
fn commands_that_print_much_survive_a_closed_stdout() {
    for args in [
        &["list"][..],
        &["show", "manual-failover", "--lang", "es"],
        &["show", "resharding", "--notes", "--lang", "en"],
        &["export", "automatic-failover", "--topology", "vagrant"],
        &["lint"],
        &["--help"],
    ] {
        let run = lab().args(args).run_into_closed_pipe();
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    }
}
