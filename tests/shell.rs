//! `lab shell` on a real cluster (loopback range 127.0.25.x): redirections that move the
//! prompt, ASK that does not, raw and quoted replies, Redis's own errors, localized errors for
//! bad quotes and unreachable nodes; the line loop driven through a pipe in a child process;
//! and, against a small fake server, the redirection limit, ASKING, and the reconnection of
//! a broken connection.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::Env;
use lab::cluster::conn::{Auth, ConnError, Target};
use lab::i18n::Msg;
use lab::model::addr::NodeAddr;
use lab::shell::Session;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const NET: u8 = 25;

fn addr(env: &Env, host: char, port: u16) -> NodeAddr {
    env.addr(host, port).parse().unwrap()
}

fn session_at(a: &NodeAddr) -> Session {
    Session::new(Target::new(a.clone(), Auth::default()))
}

/// The reply of one line, checking that the prompt did not move.
async fn stay(s: &mut Session, line: &str) -> String {
    let before = s.node().clone();
    let out = s.execute(line).await;
    assert_eq!(out.node, before, "{line} moved the prompt:\n{}", out.output);
    out.output
}

fn redirected(slot: u16, to: &NodeAddr) -> String {
    format!("-> Redirected to slot [{slot}] located at {to}\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_on_a_real_cluster() {
    let env = Env::new(NET);
    env.lab().args(["cluster", "up"]).run().ok();
    let (a, b, c) = (
        addr(&env, 'a', 6379),
        addr(&env, 'b', 6379),
        addr(&env, 'c', 6379),
    );
    let mut s = session_at(&a);
    assert_eq!(s.prompt(), format!("redis-cli ({a}) > "));

    // `foo` is in slot 12182, which the course's plan gives to c:6379. MOVED is followed and
    // the prompt moves there, as with `redis-cli -c`.
    let out = s.execute("SET foo bar").await;
    assert_eq!(out.output, format!("{}OK\n", redirected(12182, &c)));
    assert_eq!(out.node, c);
    assert_eq!(s.node(), &c);
    assert_eq!(s.prompt(), format!("redis-cli ({c}) > "));
    assert_eq!(stay(&mut s, "GET foo").await, "\"bar\"\n");
    assert_eq!(stay(&mut s, "GET {foo}missing").await, "(nil)\n");
    assert_eq!(
        stay(&mut s, "CLUSTER KEYSLOT foo").await,
        "(integer) 12182\n"
    );
    assert_eq!(
        stay(&mut s, r#"SET {foo}q "a b\x01\"""#).await,
        "OK\n",
        "quoted arguments"
    );
    assert_eq!(stay(&mut s, "GET {foo}q").await, "\"a b\\x01\\\"\"\n");
    assert_eq!(stay(&mut s, "RPUSH {foo}l x y").await, "(integer) 2\n");
    assert_eq!(
        stay(&mut s, "LRANGE {foo}l 0 -1").await,
        "1) \"x\"\n2) \"y\"\n"
    );
    assert_eq!(
        stay(&mut s, "LRANGE {foo}none 0 -1").await,
        "(empty array)\n"
    );
    assert_eq!(stay(&mut s, "ping").await, "PONG\n");

    // A key of another master, read from there: the prompt follows again.
    let out = s.execute("GET missing").await;
    assert!(out.output.ends_with("(nil)\n"), "{}", out.output);
    assert!(
        out.output.starts_with("-> Redirected to slot ["),
        "{}",
        out.output
    );

    // Raw replies: lines as Redis wrote them, no quotes.
    let info = stay(&mut s, "CLUSTER INFO").await;
    assert!(info.lines().any(|l| l == "cluster_state:ok"), "{info}");
    assert!(!info.contains('"'), "{info}");
    let nodes = stay(&mut s, "cluster nodes").await;
    assert_eq!(nodes.lines().count(), 6, "{nodes}");
    assert!(nodes.contains("myself,master"), "{nodes}");
    let repl = stay(&mut s, "INFO replication").await;
    assert!(
        repl.starts_with("# Replication\r\nrole:master\r\n"),
        "{repl:?}"
    );

    // Redis's own errors, word for word.
    let mut s = session_at(&c);
    assert_eq!(
        stay(&mut s, "CLUSTER FAILOVER").await,
        "(error) ERR You should send CLUSTER FAILOVER to a replica\n"
    );
    let unknown = stay(&mut s, "NOSUCHCOMMAND x").await;
    assert!(
        unknown.starts_with("(error) ERR unknown command 'NOSUCHCOMMAND'"),
        "{unknown}"
    );

    // Bad quoting never reaches the server; the message is the catalogue's.
    let bad = stay(&mut s, "SET foo \"bar").await;
    assert_eq!(
        bad,
        format!("(error) {}\n", Msg::new("shell-unbalanced-quotes").text())
    );
    assert!(bad.contains("unbalanced quotes"), "{bad}");
    assert_eq!(stay(&mut s, "GET foo").await, "\"bar\"\n");
    assert_eq!(stay(&mut s, "   ").await, "");

    // ASK: while slot 12182 migrates from c to b, a key c no longer has is asked of b (after
    // ASKING), and the prompt stays on c.
    let id = |out: String| out.trim().trim_matches('"').to_string();
    let c_id = id(stay(&mut s, "CLUSTER MYID").await);
    assert_eq!(s.execute(&format!("connect {b}")).await.node, b);
    let b_id = id(stay(&mut s, "CLUSTER MYID").await);
    assert_eq!(
        stay(&mut s, &format!("CLUSTER SETSLOT 12182 IMPORTING {c_id}")).await,
        "OK\n"
    );
    assert_eq!(
        s.execute(&format!("connect {} {}", c.host, c.port))
            .await
            .node,
        c
    );
    assert_eq!(
        stay(&mut s, &format!("CLUSTER SETSLOT 12182 MIGRATING {b_id}")).await,
        "OK\n"
    );
    assert_eq!(
        stay(&mut s, "GET foo").await,
        "\"bar\"\n",
        "c still has foo"
    );
    assert_eq!(
        stay(&mut s, "SET {foo}new 1").await,
        format!("{}OK\n", redirected(12182, &b))
    );
    assert_eq!(
        stay(&mut s, "GET {foo}new").await,
        format!("{}\"1\"\n", redirected(12182, &b))
    );
    assert_eq!(
        stay(&mut s, "DEL {foo}new").await,
        format!("{}(integer) 1\n", redirected(12182, &b))
    );
    assert_eq!(stay(&mut s, "CLUSTER SETSLOT 12182 STABLE").await, "OK\n");
    s.execute(&format!("connect {b}")).await;
    assert_eq!(stay(&mut s, "CLUSTER SETSLOT 12182 STABLE").await, "OK\n");

    // `connect` takes the prompt to a replica.
    let b6380 = addr(&env, 'b', 6380);
    assert_eq!(s.execute(&format!("connect {b6380}")).await.node, b6380);
    let role = stay(&mut s, "ROLE").await;
    assert!(role.starts_with("1) \"slave\"\n"), "{role}");

    // A node that does not answer in time (paused clients): a localized error, and the
    // session carries on once it answers again.
    assert_eq!(stay(&mut s, "CLIENT PAUSE 5500 ALL").await, "OK\n");
    let started = Instant::now();
    let slow = stay(&mut s, "PING").await;
    assert_eq!(
        slow,
        format!(
            "(error) {}\n",
            ConnError::Timeout.unreachable(&b6380).text()
        )
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep_until((started + Duration::from_millis(5800)).into()).await;
    assert_eq!(stay(&mut s, "PING").await, "PONG\n");

    // The line loop in a child process, on a pipe: same replies, no prompt, `exit` ends it,
    // messages in the child's language.
    let run = child_repl(&a, Some("es"), "GET foo\nSET x \"unclosed\n\nexit\nPING\n");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains(&format!("{}\"bar\"\n", redirected(12182, &c))),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("(error) Argumentos no válidos: comillas sin cerrar."),
        "{run:?}"
    );
    assert!(!run.stdout.contains("PONG"), "after exit: {run:?}");
    assert!(
        !run.stdout.contains("redis-cli ("),
        "no prompt on a pipe: {run:?}"
    );
    // The end of the input ends it too.
    let run = child_repl(&b, None, "PING\nCLUSTER KEYSLOT foo");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("PONG\n(integer) 12182\n"), "{run:?}");

    drop(s);
    drop(env);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_node_is_an_error_line() {
    let nowhere: NodeAddr = format!("127.0.{NET}.200:1").parse().unwrap();
    let mut s = session_at(&nowhere);
    let out = s.execute("PING").await;
    assert_eq!(
        out.output,
        format!(
            "(error) {}\n",
            ConnError::Refused.unreachable(&nowhere).text()
        )
    );
    assert!(
        out.output.starts_with(&format!(
            "(error) {nowhere} does not answer: connection refused"
        )),
        "{}",
        out.output
    );
    assert_eq!(out.node, nowhere);
    // `connect` to it fails the same way and leaves the prompt where it was.
    let mut s = session_at(&NodeAddr::new("127.0.0.1", 1));
    let out = s.execute(&format!("connect {nowhere}")).await;
    assert!(out.output.starts_with("(error) "), "{}", out.output);
    assert_eq!(out.node, NodeAddr::new("127.0.0.1", 1));
}

#[derive(Debug)]
struct ChildRun {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs [`repl_child`] in a new process of this test binary, `input` on its stdin (a pipe).
fn child_repl(start: &NodeAddr, lang: Option<&str>, input: &str) -> ChildRun {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["repl_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("LAB_SHELL_TEST_CHILD", start.to_string())
        .env_remove("REDISCLI_AUTH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LAB_LANG"] {
        cmd.env_remove(var);
    }
    if let Some(l) = lang {
        cmd.env("LAB_LANG", l);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    ChildRun {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Not a test on its own: the body of the child process of [`child_repl`].
#[test]
fn repl_child() {
    let Ok(start) = std::env::var("LAB_SHELL_TEST_CHILD") else {
        return;
    };
    lab::i18n::init(
        lab::i18n::Lang::detect(None, |k| std::env::var(k).ok()),
        "lab",
    );
    let target: Target = start.parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(lab::shell::repl(target, None)).unwrap();
}

/// A stand-in for a Redis node: answers the client's handshake, records every command, and
/// answers the rest with `reply(command, connection number)`; `None` closes the connection.
struct FakeNode {
    addr: NodeAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeNode {
    async fn start(
        reply: impl Fn(&str, usize) -> Option<String> + Send + Sync + 'static,
    ) -> FakeNode {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let reply = std::sync::Arc::new(reply);
        let log = seen.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while let Ok((sock, _)) = listener.accept().await {
                n += 1;
                let (reply, log) = (reply.clone(), log.clone());
                tokio::spawn(async move {
                    let (rd, mut wr) = sock.into_split();
                    let mut rd = BufReader::new(rd);
                    while let Some(cmd) = read_command(&mut rd).await {
                        let answer = if cmd.starts_with("CLIENT") || cmd.starts_with("HELLO") {
                            Some("+OK\r\n".to_string())
                        } else {
                            log.lock().unwrap().push(cmd.clone());
                            reply(&cmd, n)
                        };
                        let Some(answer) = answer else { return };
                        if wr.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FakeNode {
            addr: NodeAddr::new("127.0.0.1", port),
            seen,
        }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// One RESP command, its words joined by spaces.
async fn read_command(rd: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut line = String::new();
    rd.read_line(&mut line).await.ok()?;
    let count: usize = line.trim().strip_prefix('*')?.parse().ok()?;
    let mut words = vec![];
    for _ in 0..count {
        line.clear();
        rd.read_line(&mut line).await.ok()?;
        let len: usize = line.trim().strip_prefix('$')?.parse().ok()?;
        let mut buf = vec![0; len + 2];
        rd.read_exact(&mut buf).await.ok()?;
        buf.truncate(len);
        words.push(String::from_utf8_lossy(&buf).into_owned());
    }
    Some(words.join(" "))
}

#[tokio::test(flavor = "multi_thread")]
async fn redirections_stop_after_five() {
    // A node that always sends the client back to itself.
    let port = std::sync::Arc::new(std::sync::OnceLock::<u16>::new());
    let p = port.clone();
    let node =
        FakeNode::start(move |_, _| Some(format!("-MOVED 42 127.0.0.1:{}\r\n", p.get().unwrap())))
            .await;
    port.set(node.addr.port).unwrap();
    let mut s = session_at(&node.addr);
    let out = s.execute("GET k").await;
    let line = redirected(42, &node.addr);
    assert_eq!(
        out.output,
        format!("{}(error) MOVED 42 {}\n", line.repeat(5), node.addr)
    );
    assert_eq!(node.seen(), vec!["GET k"; 6]);
}

#[tokio::test(flavor = "multi_thread")]
async fn ask_sends_asking_first() {
    let target = FakeNode::start(|cmd, _| {
        Some(match cmd {
            "ASKING" => "+OK\r\n".into(),
            _ => "$5\r\nthere\r\n".into(),
        })
    })
    .await;
    let to = target.addr.clone();
    let origin = FakeNode::start(move |_, _| Some(format!("-ASK 7 {to}\r\n"))).await;
    let mut s = session_at(&origin.addr);
    let out = s.execute("GET k").await;
    assert_eq!(
        out.output,
        format!("{}\"there\"\n", redirected(7, &target.addr))
    );
    assert_eq!(out.node, origin.addr, "ASK does not move the prompt");
    assert_eq!(target.seen(), ["ASKING", "GET k"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_connection_is_replaced_once() {
    // The first connection is closed at its second command; later ones answer.
    let node = FakeNode::start(|cmd, conn| {
        if conn == 1 && cmd == "GET second" {
            None
        } else {
            Some("+PONG\r\n".into())
        }
    })
    .await;
    let mut s = session_at(&node.addr);
    assert_eq!(s.execute("GET first").await.output, "PONG\n");
    assert_eq!(s.execute("GET second").await.output, "PONG\n");
    assert_eq!(node.seen(), ["GET first", "GET second", "GET second"]);

    // A node that closes every connection: one retry, then a localized error.
    let node = FakeNode::start(|_, _| None).await;
    let mut s = session_at(&node.addr);
    let out = s.execute("GET k").await;
    assert!(
        out.output
            .starts_with(&format!("(error) {} does not answer: ", node.addr)),
        "{}",
        out.output
    );
    assert_eq!(node.seen(), ["GET k"], "a fresh connection is not retried");
}
