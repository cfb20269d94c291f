//! `lab shell`: a redis-cli prompt that knows the cluster, so a student without redis-cli can
//! do every step of a lab.
//!
//! It behaves like `redis-cli -c`: a line is split with redis-cli's quoting rules
//! ([`args::split`]), sent to the node in the prompt, and a `MOVED` or `ASK` reply is followed
//! to the node that owns the key (`MOVED` also moves the prompt there). Replies are printed as
//! redis-cli prints them in a terminal ([`reply::format`]). Everything else said to the user
//! comes from `locales/*/shell.ftl`.
//!
//! [`Session`] is the part that talks to Redis and can be driven by tests; [`repl`] wraps it
//! in a line editor.

pub mod args;
pub mod reply;

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{Cmd, ServerError, Value};

use crate::cluster::conn::{self, ConnError, Target};
use crate::error::{Error, Result};
use crate::model::addr::NodeAddr;
use crate::t;

/// The result of one command line: lines to print, and where the prompt now points.
pub struct Outcome {
    pub output: String,
    pub node: NodeAddr,
}

/// A session: the node the prompt is on, connections kept per node, credentials for all.
pub struct Session {
    /// The node the prompt is on: where commands go first.
    node: NodeAddr,
    /// The start target's credentials serve every node.
    auth: conn::Auth,
    connections: HashMap<NodeAddr, MultiplexedConnection>,
    /// What the command being run has to say so far (the redirections followed), so that a
    /// command abandoned with Ctrl-C still shows where it went.
    pending: String,
}

/// Redirections followed for one command, as redis-cli does; past that, the last redirection
/// is printed as the error it is (`(error) MOVED 42 host:port`).
const MAX_REDIRECTS: usize = 5;

/// How long an ordinary command may take before the node is reported as not answering.
const REPLY_TIMEOUT: Duration = conn::RESPONSE_TIMEOUT;

/// The connection's own limit, for the commands that block by design (`BLPOP k 0`,
/// `WAIT 1 0`, `DEBUG SLEEP 30`): they wait as long as the student asked, and Ctrl-C at the
/// prompt stops the wait.
const BLOCKING_LIMIT: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Redirect {
    Moved,
    Ask,
}

/// Why a command got no reply.
enum Failure {
    /// The node could not be reached, or stopped answering.
    Unreachable(NodeAddr, ConnError),
    /// The client could not make sense of what came back.
    Client(String),
}

impl Failure {
    fn line(&self) -> String {
        match self {
            Failure::Unreachable(addr, e) => error_line(&e.unreachable(addr).text()),
            Failure::Client(detail) => {
                error_line(&t!("shell-client-error", detail = detail.as_str()))
            }
        }
    }
}

/// How one exchange with a node went wrong.
enum Trouble {
    TimedOut,
    Redis(redis::RedisError),
}

fn error_line(text: &str) -> String {
    format!("(error) {text}\n")
}

impl Session {
    pub fn new(start: Target) -> Session {
        Session {
            node: start.addr,
            auth: start.auth,
            connections: HashMap::new(),
            pending: String::new(),
        }
    }

    pub fn node(&self) -> &NodeAddr {
        &self.node
    }

    /// The prompt, like the course's slides: `redis-cli (127.0.158.102:6380) > `
    pub fn prompt(&self) -> String {
        format!("redis-cli ({}) > ", self.node)
    }

    /// Runs one line: parses it, sends it, follows MOVED/ASK like `redis-cli -c`, formats the
    /// reply. Never panics; connection problems become `(error) …` text with a localized hint.
    pub async fn execute(&mut self, line: &str) -> Outcome {
        self.pending.clear();
        let reply = self.run(line).await;
        let mut output = std::mem::take(&mut self.pending);
        output.push_str(&reply);
        Outcome {
            output,
            node: self.node.clone(),
        }
    }

    async fn run(&mut self, line: &str) -> String {
        let args = match args::split(line) {
            Ok(args) => args,
            Err(msg) => return error_line(&msg.text()),
        };
        let Some(first) = args.first() else {
            return String::new();
        };
        let name = String::from_utf8_lossy(first).to_ascii_lowercase();
        match name.as_str() {
            // Leaving is the loop's business; sending QUIT would only close a connection.
            "exit" | "quit" => String::new(),
            "help" => format!("{}\n", t!("shell-help")),
            "connect" => self.switch(&args[1..]).await,
            // Replies that never end would tie up the connection the prompt shares.
            "subscribe" | "psubscribe" | "ssubscribe" | "monitor" | "sync" | "psync" => error_line(
                &t!("shell-unsupported", command = name.to_ascii_uppercase()),
            ),
            _ => self.send_following(&args).await,
        }
    }

    /// `connect HOST PORT` or `connect HOST:PORT`, as in redis-cli: moves the prompt.
    async fn switch(&mut self, rest: &[Vec<u8>]) -> String {
        let text = |a: &Vec<u8>| String::from_utf8_lossy(a).into_owned();
        let spec = match rest {
            [host, port] => format!("{}:{}", text(host), text(port)),
            [hostport] => text(hostport),
            _ => return error_line(&t!("shell-connect-usage")),
        };
        let Ok(addr) = spec.parse::<NodeAddr>() else {
            return error_line(&t!("shell-connect-usage"));
        };
        match self.connection(&addr).await {
            Ok(_) => {
                self.node = addr;
                String::new()
            }
            Err(f) => f.line(),
        }
    }

    /// Sends the command to the prompt's node, following redirections. The lines saying so
    /// go to `pending`; the reply is returned.
    async fn send_following(&mut self, args: &[Vec<u8>]) -> String {
        let mut cmd = Cmd::new();
        for a in args {
            cmd.arg(a.as_slice());
        }
        let limit = (!blocks(args)).then_some(REPLY_TIMEOUT);
        let mut target = self.node.clone();
        let mut how: Option<Redirect> = None;
        let mut redirects = 0;
        loop {
            let value = match self.send(&target, &cmd, how, limit).await {
                Ok(v) => v,
                Err(f) => return f.line(),
            };
            match redirection(&value, &target) {
                Some((kind, slot, addr)) if redirects < MAX_REDIRECTS => {
                    redirects += 1;
                    self.pending.push_str(&t!(
                        "shell-redirected",
                        slot = slot.to_string(),
                        addr = addr.to_string()
                    ));
                    self.pending.push('\n');
                    how = Some(kind);
                    target = addr;
                }
                _ => {
                    let mut out = reply::format(&value, reply::is_raw_command(args));
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    return out;
                }
            }
        }
    }

    /// One command to one node, on the kept connection; `how` the node was reached: after
    /// `ASK` the command is preceded by `ASKING`, after `MOVED` the prompt moves there once
    /// the node is reached. A kept connection that turns out broken is replaced once.
    async fn send(
        &mut self,
        addr: &NodeAddr,
        cmd: &Cmd,
        how: Option<Redirect>,
        limit: Option<Duration>,
    ) -> Result<Value, Failure> {
        let mut retried = false;
        loop {
            let (conn, fresh) = self.connection(addr).await?;
            if how == Some(Redirect::Moved) {
                self.node = addr.clone();
            }
            match exchange(conn, cmd, how == Some(Redirect::Ask), limit).await {
                Ok(v) => return Ok(v),
                Err(Trouble::TimedOut) => {
                    // A late reply would come before the next one's: start afresh next time.
                    self.connections.remove(addr);
                    return Err(Failure::Unreachable(addr.clone(), ConnError::Timeout));
                }
                Err(Trouble::Redis(e)) => {
                    let broken =
                        e.is_io_error() || e.is_connection_dropped() || e.is_unrecoverable_error();
                    if !broken {
                        return match ServerError::try_from(e) {
                            Ok(server) => Ok(Value::ServerError(server)),
                            Err(e) => Err(Failure::Client(e.to_string())),
                        };
                    }
                    self.connections.remove(addr);
                    if fresh || retried {
                        return Err(Failure::Unreachable(
                            addr.clone(),
                            crate::cluster::conn::classify(&e),
                        ));
                    }
                    retried = true;
                }
            }
        }
    }

    /// The kept connection to `addr`, or a new one; `true` when new.
    async fn connection(
        &mut self,
        addr: &NodeAddr,
    ) -> Result<(MultiplexedConnection, bool), Failure> {
        if let Some(c) = self.connections.get(addr) {
            return Ok((c.clone(), false));
        }
        let target = Target::new(addr.clone(), self.auth.clone());
        // What Redis itself may send, never more (its proto-max-bulk-len per bulk).
        let c = conn::connect_limited(
            &target,
            conn::CONNECT_TIMEOUT,
            BLOCKING_LIMIT,
            crate::cluster::guard::Limits::SHELL,
        )
        .await
        .map_err(|e| Failure::Unreachable(addr.clone(), e))?;
        self.connections.insert(addr.clone(), c.clone());
        Ok((c, true))
    }

    /// Forgets every connection: after a command was abandoned, its node may still be busy
    /// with it (a `BLPOP k 0`), and the next command must not queue behind it.
    fn forget_connections(&mut self) {
        self.connections.clear();
    }
}

async fn exchange(
    mut conn: MultiplexedConnection,
    cmd: &Cmd,
    asking: bool,
    limit: Option<Duration>,
) -> Result<Value, Trouble> {
    let work = async {
        if asking {
            let v = conn.send_packed_command(&redis::cmd("ASKING")).await?;
            if matches!(v, Value::ServerError(_)) {
                return Ok(v);
            }
        }
        conn.send_packed_command(cmd).await
    };
    match limit {
        Some(d) => match tokio::time::timeout(d, work).await {
            Ok(r) => r.map_err(Trouble::Redis),
            Err(_) => Err(Trouble::TimedOut),
        },
        None => work.await.map_err(Trouble::Redis),
    }
}

/// `MOVED 3999 127.0.0.1:6381` or `ASK 3999 127.0.0.1:6381`: where to go. An empty host
/// means the node that answered.
fn redirection(v: &Value, from: &NodeAddr) -> Option<(Redirect, u16, NodeAddr)> {
    let Value::ServerError(e) = v else {
        return None;
    };
    let kind = match e.code() {
        "MOVED" => Redirect::Moved,
        "ASK" => Redirect::Ask,
        _ => return None,
    };
    let mut words = e.details()?.split_ascii_whitespace();
    let slot: u16 = words.next()?.parse().ok()?;
    let (host, port) = words.next()?.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = if host.is_empty() { &from.host } else { host };
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    if host == "?" {
        return None;
    }
    Some((kind, slot, NodeAddr::new(host, port)))
}

/// Commands that wait on purpose, so no reply timeout applies to them.
fn blocks(args: &[Vec<u8>]) -> bool {
    let is = |a: &Vec<u8>, word: &str| a.eq_ignore_ascii_case(word.as_bytes());
    let Some(cmd) = args.first() else {
        return false;
    };
    [
        "blpop",
        "brpop",
        "brpoplpush",
        "blmove",
        "blmpop",
        "bzpopmin",
        "bzpopmax",
        "bzmpop",
        "wait",
        "waitaof",
        "migrate",
    ]
    .iter()
    .any(|w| is(cmd, w))
        || ((is(cmd, "xread") || is(cmd, "xreadgroup")) && args.iter().any(|a| is(a, "block")))
        || (is(cmd, "debug") && args.get(1).is_some_and(|a| is(a, "sleep")))
}

/// `exit` or `quit`, whatever follows, as in redis-cli.
/// A line that gives a password or names a user to log in as, as redis-cli keeps out of its
/// history: `AUTH`, `HELLO … AUTH`, `MIGRATE … AUTH|AUTH2`, `ACL SETUSER`, and the settings
/// commands (`CONFIG SET`, `SENTINEL SET`, `SENTINEL CONFIG SET`) when any word names a
/// password, an auth or a user (`requirepass`, `masterauth`, `masteruser`, `auth-pass`,
/// `sentinel-pass`…). A line that cannot be split is kept out too: it cannot be judged.
pub fn holds_secret(line: &str) -> bool {
    let Ok(words) = args::split(line) else {
        return true;
    };
    let upper: Vec<String> = words
        .iter()
        .map(|w| String::from_utf8_lossy(w).to_ascii_uppercase())
        .collect();
    let word = |i: usize| upper.get(i).map(String::as_str);
    let any_after =
        |from: usize, hit: &dyn Fn(&str) -> bool| upper.iter().skip(from).any(|w| hit(w));
    let names_secret = |w: &str| w.contains("PASS") || w.contains("AUTH") || w.contains("USER");
    match (word(0), word(1), word(2)) {
        (Some("AUTH"), ..) => true,
        (Some("HELLO" | "MIGRATE"), ..) => any_after(1, &|w| w.starts_with("AUTH")),
        (Some("ACL"), Some("SETUSER"), _) => true,
        (Some("CONFIG"), Some("SET"), _) | (Some("SENTINEL"), Some("SET"), _) => {
            any_after(2, &names_secret)
        }
        (Some("SENTINEL"), Some("CONFIG"), Some("SET")) => any_after(3, &names_secret),
        _ => false,
    }
}

pub fn is_exit(line: &str) -> bool {
    args::split(line).is_ok_and(|a| {
        a.first()
            .is_some_and(|w| w.eq_ignore_ascii_case(b"exit") || w.eq_ignore_ascii_case(b"quit"))
    })
}

/// What the reading thread hands over.
enum Input {
    Line(String),
    /// Ctrl-C at the prompt: the line was dropped.
    Cleared,
    /// Ctrl-D or the end of the piped input.
    End,
    Failed(std::io::Error),
}

/// The interactive loop (rustyline): history in `history` when given, `exit`/`quit`/Ctrl-D
/// leave, Ctrl-C clears the line. Works when stdin is not a terminal too (reads lines, no
/// echo, no prompt editing) so tests and the runner's line mode can script it.
pub async fn repl(start: Target, history: Option<PathBuf>) -> Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let mut session = Session::new(start);

    // Reading blocks, so it has a thread of its own: it gets the prompt to show, hands back a
    // line. A plain thread, not `spawn_blocking`: one stuck in `read` must not keep the runtime
    // from shutting down.
    let (prompts, prompt_rx) = std::sync::mpsc::channel::<String>();
    let (line_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<Input>();
    let reader = std::thread::spawn(move || read_lines(interactive, history, prompt_rx, line_tx));

    if interactive {
        crate::outln!("{}", t!("shell-welcome", addr = session.node().to_string()));
        let node = session.node().clone();
        if let Err(f) = session.connection(&node).await {
            crate::out!("{}", f.line());
        }
    }

    // One listener for the whole session, so a Ctrl-C between two commands is not lost.
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    let mut interrupted = false;
    loop {
        if prompts.send(session.prompt()).is_err() {
            break;
        }
        // At a terminal, Ctrl-C while typing is a key the editor handles; with piped input it
        // is the signal, and it stops the loop as it stops every other `lab` command.
        let input = tokio::select! {
            input = lines.recv() => input,
            _ = interrupt(&mut sigint), if !interactive => {
                interrupted = true;
                break;
            }
        };
        let line = match input {
            Some(Input::Line(line)) => line,
            Some(Input::Cleared) => continue,
            Some(Input::End) | None => break,
            Some(Input::Failed(e)) => return Err(Error::io("stdin", e)),
        };
        if is_exit(&line) {
            break;
        }
        let outcome = tokio::select! {
            outcome = session.execute(&line) => Some(outcome),
            _ = interrupt(&mut sigint) => None,
        };
        if outcome.is_none() && !interactive {
            interrupted = true;
            break;
        }
        let mut stdout = std::io::stdout().lock();
        match outcome {
            Some(o) => {
                let _ = stdout.write_all(o.output.as_bytes());
            }
            None => {
                // Ctrl-C while waiting for a reply: back to the prompt.
                session.forget_connections();
                let _ = stdout.write_all(b"\n");
                let _ = stdout.write_all(std::mem::take(&mut session.pending).as_bytes());
            }
        }
        let _ = stdout.flush();
    }
    drop(prompts);
    if interrupted {
        return Err(Error::Interrupted { signal: 2 });
    }
    // The reader is waiting for a prompt that will not come: it saves the history and ends.
    let _ = tokio::task::spawn_blocking(move || reader.join()).await;
    Ok(())
}

/// The next Ctrl-C; never, if the signal could not be listened to.
async fn interrupt(sigint: &mut Option<tokio::signal::unix::Signal>) {
    match sigint {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// The reading thread: one line per prompt received, with rustyline at a terminal and plain
/// reads otherwise.
fn read_lines(
    interactive: bool,
    history: Option<PathBuf>,
    prompts: std::sync::mpsc::Receiver<String>,
    lines: tokio::sync::mpsc::UnboundedSender<Input>,
) {
    use rustyline::error::ReadlineError;

    let mut editor = if interactive {
        rustyline::DefaultEditor::new().ok()
    } else {
        None
    };
    if let (Some(ed), Some(path)) = (editor.as_mut(), history.as_ref()) {
        scrub_history(path);
        // A first session has no history yet.
        let _ = ed.load_history(path);
    }
    let mut stdin = std::io::stdin().lock();
    while let Ok(prompt) = prompts.recv() {
        let input = match editor.as_mut() {
            Some(ed) => match ed.readline(&prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() && !holds_secret(&line) {
                        let _ = ed.add_history_entry(line.as_str());
                    }
                    Input::Line(line)
                }
                Err(ReadlineError::Interrupted) => Input::Cleared,
                Err(ReadlineError::Eof) => Input::End,
                Err(ReadlineError::Io(e)) => Input::Failed(e),
                Err(e) => Input::Failed(std::io::Error::other(e.to_string())),
            },
            None => {
                if interactive {
                    // The editor could not start: a bare prompt still says where we are.
                    crate::out!("{prompt}");
                    let _ = std::io::stdout().flush();
                }
                read_plain(&mut stdin)
            }
        };
        let last = matches!(input, Input::End | Input::Failed(_));
        if lines.send(input).is_err() || last {
            break;
        }
    }
    if let (Some(ed), Some(path)) = (editor.as_mut(), history.as_ref()) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = ed.save_history(path);
    }
}

/// Drops from a history file any line a newer filter keeps out (a file written before it, or
/// by hand), so rustyline does not load it and save it again.
fn scrub_history(path: &std::path::Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    if !text.lines().any(holds_secret) {
        return;
    }
    let mut kept: String = text
        .lines()
        .filter(|l| !holds_secret(l))
        .collect::<Vec<_>>()
        .join("\n");
    kept.push('\n');
    let _ = crate::fsutil::write_atomic(path, kept.as_bytes());
}

/// One line of piped input, without its line ending; bytes that are not UTF-8 are replaced.
fn read_plain(stdin: &mut impl BufRead) -> Input {
    let mut buf = Vec::new();
    match stdin.read_until(b'\n', &mut buf) {
        Ok(0) => Input::End,
        Ok(_) => {
            if buf.ends_with(b"\n") {
                buf.pop();
                if buf.ends_with(b"\r") {
                    buf.pop();
                }
            }
            Input::Line(String::from_utf8_lossy(&buf).into_owned())
        }
        Err(e) => Input::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_error(line: &str) -> Value {
        redis::parse_redis_value(format!("-{line}\r\n").as_bytes()).unwrap()
    }

    fn words(line: &str) -> Vec<Vec<u8>> {
        args::split(line).unwrap()
    }

    #[test]
    fn redirections_are_read_from_the_error() {
        let here = NodeAddr::new("127.0.158.100", 6379);
        assert_eq!(
            redirection(&server_error("MOVED 3999 127.0.158.102:6380"), &here),
            Some((Redirect::Moved, 3999, NodeAddr::new("127.0.158.102", 6380)))
        );
        assert_eq!(
            redirection(&server_error("ASK 12182 127.0.158.101:6379"), &here),
            Some((Redirect::Ask, 12182, NodeAddr::new("127.0.158.101", 6379)))
        );
        // An empty host is the node that answered.
        assert_eq!(
            redirection(&server_error("MOVED 1 :7000"), &here),
            Some((Redirect::Moved, 1, NodeAddr::new("127.0.158.100", 7000)))
        );
        assert_eq!(
            redirection(&server_error("MOVED 1 ::1:7000"), &here),
            Some((Redirect::Moved, 1, NodeAddr::new("::1", 7000)))
        );
        for not in [
            "ERR MOVED 1 h:1",
            "MOVED",
            "MOVED x h:1",
            "MOVED 1",
            "MOVED 1 h",
            "MOVED 1 h:0",
            "MOVED 1 ?:7000",
            "ASKING 1 h:1",
        ] {
            assert_eq!(redirection(&server_error(not), &here), None, "{not}");
        }
        assert_eq!(redirection(&Value::Okay, &here), None);
    }

    #[test]
    fn blocking_commands() {
        for b in [
            "BLPOP l 0",
            "brpop l 1",
            "WAIT 1 0",
            "XREAD COUNT 1 BLOCK 0 STREAMS s $",
            "xreadgroup group g c block 10 streams s >",
            "DEBUG SLEEP 10",
            "BZPOPMIN z 0",
        ] {
            assert!(blocks(&words(b)), "{b}");
        }
        for n in [
            "GET k",
            "XREAD STREAMS s 0",
            "DEBUG OBJECT k",
            "CLUSTER FAILOVER",
            "",
        ] {
            assert!(!blocks(&words(n)), "{n}");
        }
    }

    #[test]
    fn secrets_stay_out_of_history() {
        assert!(holds_secret("auth s3cret"));
        assert!(holds_secret("CONFIG SET requirepass s3cret"));
        assert!(holds_secret("config set masterauth x"));
        assert!(holds_secret("HELLO 3 AUTH default x"));
        assert!(holds_secret("MIGRATE h 6379 k 0 100 AUTH s3cret"));
        assert!(holds_secret(
            "migrate h 6379 \"\" 0 100 auth2 bob s3cret keys a b"
        ));
        assert!(holds_secret("ACL SETUSER bob on >s3cret"));
        assert!(holds_secret("SENTINEL SET mymaster auth-pass s3cret"));
        assert!(holds_secret("sentinel set mymaster auth-user bob"));
        assert!(holds_secret("SENTINEL CONFIG SET sentinel-pass s3cret"));
        assert!(holds_secret("CONFIG SET masteruser bob"));
        // Redis 7 takes several pairs at once: a password in the second one still counts.
        assert!(holds_secret("CONFIG SET maxmemory 10mb requirepass s3cret"));
        assert!(holds_secret("AUTH \"unbalanced"));
        assert!(!holds_secret("CLUSTER FAILOVER"));
        assert!(!holds_secret("CONFIG SET maxmemory 10mb"));
        assert!(!holds_secret("SENTINEL SET mymaster quorum 2"));
        assert!(!holds_secret("GET auth"));
        assert!(!holds_secret("SET password x"));
    }

    #[test]
    fn exit_words() {
        assert!(is_exit("exit"));
        assert!(is_exit("  QUIT  "));
        assert!(is_exit("Exit now"));
        assert!(!is_exit("exits"));
        assert!(!is_exit(""));
        assert!(!is_exit("GET exit"));
        assert!(!is_exit("\"exit"));
    }

    #[test]
    fn prompt_names_the_node() {
        let s = Session::new(Target::new(
            NodeAddr::new("127.0.158.102", 6380),
            conn::Auth::default(),
        ));
        assert_eq!(s.prompt(), "redis-cli (127.0.158.102:6380) > ");
        assert_eq!(s.node(), &NodeAddr::new("127.0.158.102", 6380));
    }

    #[test]
    fn plain_lines() {
        let mut input = std::io::Cursor::new(b"GET a\r\nSET b \"x y\"\nlast\xff".to_vec());
        let mut got = vec![];
        loop {
            match read_plain(&mut input) {
                Input::Line(l) => got.push(l),
                Input::End => break,
                _ => panic!("unexpected input"),
            }
        }
        assert_eq!(got, ["GET a", "SET b \"x y\"", "last\u{fffd}"]);
    }

    #[tokio::test]
    async fn local_answers_need_no_server() {
        let mut s = Session::new(Target::new(
            NodeAddr::new("127.0.0.1", 1),
            conn::Auth::default(),
        ));
        let out = s.execute("").await;
        assert_eq!(out.output, "");
        let out = s.execute("SET k \"unclosed").await;
        assert_eq!(
            out.output,
            format!("(error) {}\n", t!("shell-unbalanced-quotes"))
        );
        assert!(s.execute("help").await.output.contains("connect"));
        assert_eq!(s.execute("quit").await.output, "");
        assert!(s.execute("MONITOR").await.output.starts_with("(error) "));
        assert!(
            s.execute("connect nonsense")
                .await
                .output
                .starts_with("(error) ")
        );
        assert_eq!(out.node, NodeAddr::new("127.0.0.1", 1));
    }
}
