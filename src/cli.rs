//! Command-line arguments. The derive gives the shape; [`command`] then puts every help text
//! into the user's language from the catalogues (`about-*` and `arg-*` messages), which is why
//! the doc comments here are for developers only.

use std::path::PathBuf;

use clap::{
    Arg, ArgAction, Args, Command as ClapCommand, CommandFactory, Parser, Subcommand, ValueEnum,
};

use crate::i18n;

pub mod values;

#[derive(Parser, Debug)]
#[command(name = "lab", version, disable_help_subcommand = true)]
pub struct Cli {
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<LangArg>,

    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorArg,

    #[arg(long, global = true, value_name = "DIR", env = "LAB_LABS_DIR")]
    pub labs_dir: Option<PathBuf>,

    #[arg(long, global = true, value_name = "DIR", env = "LAB_STATE_DIR")]
    pub state_dir: Option<PathBuf>,

    #[arg(long, global = true, value_name = "PATH", env = "LAB_REDIS_SERVER")]
    pub redis_server: Option<PathBuf>,

    #[arg(long, global = true, value_name = "IP", env = "LAB_BASE_IP")]
    pub base_ip: Option<String>,

    #[arg(long, global = true)]
    pub shared_loopback: bool,

    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    List,
    Show(ShowArgs),
    Lint(LintArgs),
    #[command(subcommand)]
    Cluster(ClusterCommand),
    Logs(LogsArgs),
    Bench(BenchArgs),
    Test(TestArgs),
    Start(StartArgs),
    Status,
    Check(LabCheckArgs),
    Hint(LabArg),
    Reset(ResetArgs),
    Stop,
    Shell(ShellArgs),
    Consistency(ConsistencyArgs),
    Grade(GradeArgs),
    Node(NodeArgs),
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    #[arg(value_name = "ACTION")]
    pub action: NodeAction,
    #[arg(value_name = "NODE")]
    pub node: String,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeAction {
    Stop,
    Kill,
    Pause,
    Resume,
    Start,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    pub lab: String,
    #[arg(long, value_name = "TOPOLOGY", default_value = "local")]
    pub topology: TopologyArg,
    #[command(flatten)]
    pub nodes: NodesArg,
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct GradeArgs {
    #[arg(value_name = "LAB")]
    pub lab: Option<String>,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub verify: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ConsistencyArgs {
    #[command(flatten)]
    pub nodes: NodesArg,
    #[arg(long, value_name = "TIME", value_parser = values::run_time)]
    pub duration: Option<std::time::Duration>,
    #[arg(long, value_name = "N", default_value_t = crate::consistency::DEFAULT_KEYS, value_parser = values::keys)]
    pub keys: u64,
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = values::workers)]
    pub workers: usize,
    #[arg(long, value_name = "N|max", value_parser = values::rate)]
    pub rate: Option<values::Rate>,
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct StartArgs {
    pub lab: String,
    #[command(flatten)]
    pub nodes: NodesArg,
    #[arg(long)]
    pub take_over: bool,
}

#[derive(Args, Debug)]
pub struct LabCheckArgs {
    #[arg(value_name = "LAB")]
    pub lab: Option<String>,
}

#[derive(Args, Debug)]
pub struct LabArg {
    #[arg(value_name = "LAB")]
    pub lab: Option<String>,
}

#[derive(Args, Debug)]
pub struct ResetArgs {
    #[arg(value_name = "STEP")]
    pub step: Option<String>,
    #[arg(long, value_name = "LAB")]
    pub lab: Option<String>,
}

#[derive(Args, Debug)]
pub struct ShellArgs {
    #[arg(value_name = "HOST:PORT")]
    pub node: Option<String>,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    pub lab: String,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[arg(value_name = "WHAT", default_value = "provision")]
    pub what: BenchWhat,
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = values::runs)]
    pub runs: usize,
    /// The lab whose nodes `provision` brings up (its topology: cluster, replication,
    /// Sentinel) [default: manual-failover]
    #[arg(long, value_name = "LAB")]
    pub lab: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchWhat {
    /// Cold up, re-form, snapshot, down.
    Provision,
    /// From CLUSTER FAILOVER to the step's check mark, as the runner sees it.
    Failover,
    /// The consistency test's reads + writes per second.
    Consistency,
    /// The Sentinel lab's failovers: asked for, the old master back, a master killed.
    Sentinel,
    /// A key's redraw in `lab start`, with and without the consistency test running.
    Screen,
}

#[derive(Subcommand, Debug)]
pub enum ClusterCommand {
    Up(UpArgs),
    Status(StatusArgs),
    Check(CheckArgs),
    Down,
}

#[derive(Args, Debug, Clone, Default)]
pub struct NodesArg {
    #[arg(long, value_name = "ADDRESSES", value_parser = values::nodes)]
    pub nodes: Option<values::NodeList>,
}

#[derive(Args, Debug)]
pub struct UpArgs {
    #[arg(long, value_name = "LAB")]
    pub lab: Option<String>,
    #[arg(long)]
    pub fresh: bool,
    #[command(flatten)]
    pub nodes: NodesArg,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub nodes: NodesArg,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[arg(value_name = "HOST:PORT")]
    pub node: Option<String>,
    #[command(flatten)]
    pub nodes: NodesArg,
    #[arg(long, value_name = "TIME", value_parser = values::wait)]
    pub wait: Option<std::time::Duration>,
}

#[derive(Args, Debug)]
pub struct LogsArgs {
    #[arg(value_name = "NODE")]
    pub node: String,
    #[arg(short, long)]
    pub follow: bool,
    #[arg(short = 'n', long, value_name = "N", default_value_t = 40, value_parser = values::lines)]
    pub lines: usize,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    pub lab: String,
    #[arg(long)]
    pub notes: bool,
    #[arg(long, value_name = "TOPOLOGY", default_value = "local")]
    pub topology: TopologyArg,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Empty means every lab of the catalog.
    pub labs: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangArg {
    En,
    Es,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopologyArg {
    /// 127.0.158.100-102, the runner's own cluster.
    Local,
    /// 192.168.158.100-102, the course's VMs.
    Vagrant,
}

/// The value of `--lang` before clap runs, so help and clap's own messages can be localized.
pub fn prescan_lang(args: &[std::ffi::OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
        if a == "--lang" {
            return it.next().map(|v| v.into_owned());
        }
    }
    None
}

/// The command tree with every help text in the current language.
pub fn command() -> ClapCommand {
    localize(Cli::command(), "lab", "lab", true)
}

fn text(id: &str) -> String {
    i18n::current().format(id, &[])
}

/// Catalogue id for a command's description: `about-lab`, `about-cluster-up`.
pub fn about_id(path: &str) -> String {
    format!("about-{path}")
}

/// Catalogue id for an argument's help: `arg-lab-lang`, `arg-show-notes`.
pub fn arg_id(path: &str, arg: &str) -> String {
    format!("arg-{path}-{arg}")
}

fn localize(cmd: ClapCommand, path: &str, shown: &str, root: bool) -> ClapCommand {
    let usage = text("help-usage");
    let template =
        format!("{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}");
    let mut cmd = cmd
        .about(text(&about_id(path)))
        .help_template(template)
        .subcommand_help_heading(text("help-heading-commands"))
        .subcommand_value_name(text("help-value-command"))
        .disable_help_flag(true);
    let ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = text(&arg_id(path, &id));
        let options = text("help-heading-options");
        let arguments = text("help-heading-arguments");
        let globals = text("help-heading-global");
        cmd = cmd.mut_arg(id, |a| {
            // Global options come last in every subcommand's help, under their own heading,
            // so what the subcommand itself takes is read first.
            let heading = if a.is_positional() {
                arguments
            } else if a.is_global_set() {
                globals
            } else {
                options
            };
            let a = a.help(help).help_heading(heading).hide_env(true);
            // Defaults and choices are spelled out in the localized help text instead.
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    }
    // Added after the command's own arguments so that its positionals' heading comes first.
    cmd = cmd.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(text("arg-help"))
            .help_heading(text("help-heading-options")),
    );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(text("arg-version"))
                .help_heading(text("help-heading-options")),
        );
    }
    // clap writes `[OPTIONS]` into the usage line itself; say it in the user's language.
    let usage = cmd.clone().bin_name(shown).render_usage().to_string();
    let usage = usage
        .split_once(':')
        .map_or(usage.as_str(), |(_, u)| u)
        .trim()
        .replace("[OPTIONS]", &text("help-value-options"));
    cmd = cmd.override_usage(usage);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = if root {
            name.clone()
        } else {
            format!("{path}-{name}")
        };
        let sub_shown = format!("{shown} {name}");
        cmd = cmd.mut_subcommand(name, |s| localize(s, &sub_path, &sub_shown, false));
    }
    cmd
}

/// clap's usage errors in the user's language: what was wrong, the usage line, and where to
/// look next. Kinds we do not word ourselves keep clap's text.
pub fn render_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join(", "),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    let arg = get(ContextKind::InvalidArg);
    let what = match e.kind() {
        ErrorKind::InvalidValue => {
            let value = get(ContextKind::InvalidValue);
            let valid = get(ContextKind::ValidValue);
            let mut s = i18n::current().format(
                "cli-invalid-value",
                &[("value", value.into()), ("arg", arg.into())],
            );
            if !valid.is_empty() {
                s.push(' ');
                s.push_str(
                    &i18n::current().format("cli-possible-values", &[("valid", valid.into())]),
                );
            }
            s
        }
        ErrorKind::UnknownArgument => {
            i18n::current().format("cli-unknown-argument", &[("arg", arg.into())])
        }
        ErrorKind::InvalidSubcommand => {
            let sub = get(ContextKind::InvalidSubcommand);
            i18n::current().format("cli-unknown-command", &[("command", sub.into())])
        }
        ErrorKind::MissingRequiredArgument => {
            i18n::current().format("cli-missing-argument", &[("arg", arg.into())])
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            text("cli-missing-command")
        }
        ErrorKind::ValueValidation => {
            // Our value parsers say why, in the user's language.
            match std::error::Error::source(e) {
                Some(why) => i18n::current().format(
                    "cli-invalid-because",
                    &[("arg", arg.into()), ("why", why.to_string().into())],
                ),
                None => {
                    let value = get(ContextKind::InvalidValue);
                    i18n::current().format(
                        "cli-invalid-value",
                        &[("value", value.into()), ("arg", arg.into())],
                    )
                }
            }
        }
        ErrorKind::ArgumentConflict => {
            let other = get(ContextKind::PriorArg);
            i18n::current().format(
                "cli-conflict",
                &[("arg", arg.into()), ("other", other.into())],
            )
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            i18n::current().format("cli-wrong-values", &[("arg", arg.into())])
        }
        _ => return e.render().to_string(),
    };
    let usage = match e.get(ContextKind::Usage) {
        Some(u) => {
            let u = u.to_string();
            let u = u
                .split_once(':')
                .map_or(u.as_str(), |(_, u)| u)
                .trim()
                .to_string();
            format!("\n\n{} {u}", text("help-usage"))
        }
        None => String::new(),
    };
    format!(
        "{}: {what}{usage}\n\n{}\n",
        text("error-prefix"),
        text("cli-try-help")
    )
}

/// Every catalogue id the command tree asks for, for the test that both languages have them.
pub fn message_ids() -> Vec<String> {
    fn walk(cmd: &ClapCommand, path: &str, root: bool, out: &mut Vec<String>) {
        out.push(about_id(path));
        for a in cmd.get_arguments() {
            out.push(arg_id(path, a.get_id().as_str()));
        }
        for s in cmd.get_subcommands() {
            let sub = if root {
                s.get_name().to_string()
            } else {
                format!("{path}-{}", s.get_name())
            };
            walk(s, &sub, false, out);
        }
    }
    let mut out = vec![
        "help-usage".into(),
        "help-heading-commands".into(),
        "help-heading-options".into(),
        "help-heading-arguments".into(),
        "help-heading-global".into(),
        "help-value-command".into(),
        "help-value-options".into(),
        "arg-help".into(),
        "arg-version".into(),
    ];
    walk(&Cli::command(), "lab", true, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Localizer};

    #[test]
    fn every_help_text_exists_in_both_languages() {
        for lang in Lang::ALL {
            let l = Localizer::new(lang);
            let missing: Vec<_> = message_ids().into_iter().filter(|id| !l.has(id)).collect();
            assert!(missing.is_empty(), "{lang}: missing {missing:?}");
        }
    }

    #[test]
    fn the_command_tree_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn lang_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            prescan_lang(&args(&["lab", "--lang", "es", "list"])),
            Some("es".into())
        );
        assert_eq!(
            prescan_lang(&args(&["lab", "list", "--lang=en"])),
            Some("en".into())
        );
        assert_eq!(prescan_lang(&args(&["lab", "show", "--", "--lang"])), None);
    }
}
