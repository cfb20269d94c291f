//! Replies printed the way redis-cli prints them in a terminal, so what a student sees here is
//! what the course's slides show.
//!
//! Two modes, as in redis-cli:
//! - the usual one: `"quoted"` strings with escapes, `(integer) 5`, `(nil)`, `(error) …`,
//!   numbered and indented arrays, `1# k => v` maps and `1~ x` sets;
//! - raw, for the commands whose reply is a text meant to be read as is (`INFO`,
//!   `CLUSTER NODES`, …, see [`is_raw_command`]): strings unquoted, one element per line.

use std::fmt::Write as _;

use redis::Value;

/// The reply as redis-cli shows it in a terminal; `raw` for the commands of
/// [`is_raw_command`]. The usual mode always ends with a newline; raw mode adds nothing to
/// what the server sent (an `INFO` reply ends with its own `\r\n`).
pub fn format(v: &Value, raw: bool) -> String {
    let mut out = String::new();
    if raw {
        write_raw(v, &mut out);
    } else {
        write_tty(v, "", &mut out);
    }
    out
}

/// Whether redis-cli would print this command's reply raw. Case-insensitive.
pub fn is_raw_command(args: &[Vec<u8>]) -> bool {
    let word = |i: usize| -> String {
        args.get(i)
            .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (cmd, sub, n) = (word(0), word(1), args.len());
    match cmd.as_str() {
        "info" | "lolwut" => true,
        "debug" => matches!(sub.as_str(), "htstats" | "htstats-key" | "client-eviction"),
        "memory" => matches!(sub.as_str(), "doctor" | "malloc-stats"),
        "cluster" => n == 2 && matches!(sub.as_str(), "nodes" | "info"),
        "client" => matches!(sub.as_str(), "list" | "info"),
        "latency" => (n == 2 && sub == "doctor") || (n == 3 && sub == "graph"),
        "proxy" => sub == "info",
        _ => false,
    }
}

/// An error reply as Redis sent it: `ERR You should send…`, `MOVED 3999 127.0.0.1:6381`.
pub fn error_text(e: &redis::ServerError) -> String {
    match e.details() {
        Some(d) => format!("{} {d}", e.code()),
        None => e.code().to_string(),
    }
}

/// The usual mode. `prefix` is the indentation of the aggregate this value is an element of;
/// the caller has already written this line's index, so the first line gets no prefix.
fn write_tty(v: &Value, prefix: &str, out: &mut String) {
    match v {
        Value::Nil => out.push_str("(nil)\n"),
        Value::Int(n) => {
            let _ = writeln!(out, "(integer) {n}");
        }
        Value::BulkString(bytes) => {
            quote(bytes, out);
            out.push('\n');
        }
        Value::SimpleString(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Okay => out.push_str("OK\n"),
        Value::VerbatimString { text, .. } => {
            // redis-cli prints verbatim strings (RESP3's INFO, LATENCY DOCTOR…) as they are.
            out.push_str(text);
            out.push('\n');
        }
        Value::Double(x) => {
            let _ = writeln!(out, "(double) {}", double(*x));
        }
        Value::Boolean(b) => out.push_str(if *b { "(true)\n" } else { "(false)\n" }),
        Value::BigNumber(n) => {
            let _ = writeln!(out, "(big number) {}", String::from_utf8_lossy(n));
        }
        Value::ServerError(e) => {
            let _ = writeln!(out, "(error) {}", error_text(e));
        }
        // Attributes describe the reply; redis-cli shows the reply itself.
        Value::Attribute { data, .. } => write_tty(data, prefix, out),
        Value::Array(items) => write_list(items, Kind::Array, prefix, out),
        Value::Set(items) => write_list(items, Kind::Set, prefix, out),
        Value::Push { data, .. } => write_list(data, Kind::Push, prefix, out),
        Value::Map(pairs) => write_map(pairs, prefix, out),
        // A kind of reply newer than this code: shown as the client library sees it.
        other => {
            let _ = writeln!(out, "{other:?}");
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Array,
    Set,
    Push,
    Map,
}

impl Kind {
    fn empty(self) -> &'static str {
        match self {
            Kind::Array => "(empty array)\n",
            Kind::Set => "(empty set)\n",
            Kind::Push => "(empty push)\n",
            Kind::Map => "(empty hash)\n",
        }
    }

    /// What follows an element's number: `1)`, `1~`, `1#`.
    fn mark(self) -> char {
        match self {
            Kind::Array | Kind::Push => ')',
            Kind::Set => '~',
            Kind::Map => '#',
        }
    }
}

/// Numbers are right-aligned to the widest one; an element's own lines are indented past
/// its number.
fn numbered(count: usize, prefix: &str) -> (usize, String) {
    let width = count.to_string().len();
    (width, format!("{prefix}{}", " ".repeat(width + 2)))
}

fn write_number(kind: Kind, i: usize, width: usize, prefix: &str, out: &mut String) {
    if i > 0 {
        out.push_str(prefix);
    }
    let _ = write!(out, "{:>width$}{} ", i + 1, kind.mark());
}

fn write_list(items: &[Value], kind: Kind, prefix: &str, out: &mut String) {
    if items.is_empty() {
        out.push_str(kind.empty());
        return;
    }
    let (width, inner) = numbered(items.len(), prefix);
    for (i, item) in items.iter().enumerate() {
        write_number(kind, i, width, prefix, out);
        write_tty(item, &inner, out);
    }
}

fn write_map(pairs: &[(Value, Value)], prefix: &str, out: &mut String) {
    if pairs.is_empty() {
        out.push_str(Kind::Map.empty());
        return;
    }
    let (width, inner) = numbered(pairs.len(), prefix);
    for (i, (key, value)) in pairs.iter().enumerate() {
        write_number(Kind::Map, i, width, prefix, out);
        let mut k = String::new();
        write_tty(key, &inner, &mut k);
        if k.ends_with('\n') {
            k.pop();
        }
        out.push_str(&k);
        out.push_str(" => ");
        // As redis-cli does: a value with several elements starts on a line of its own, every
        // element indented; an empty or one-element value stays on the key's line.
        if aggregate_len(value) > 1 {
            out.push('\n');
            out.push_str(&inner);
        }
        write_tty(value, &inner, out);
    }
}

fn aggregate_len(v: &Value) -> usize {
    match v {
        Value::Array(items) | Value::Set(items) => items.len(),
        Value::Push { data, .. } => data.len(),
        Value::Map(pairs) => pairs.len(),
        Value::Attribute { data, .. } => aggregate_len(data),
        _ => 0,
    }
}

/// A bulk string in double quotes, as redis-cli shows it: printable ASCII as is, `"` and `\`
/// escaped, the usual control characters as `\n` `\r` `\t` `\a` `\b`, every other byte
/// (including each byte of non-ASCII UTF-8) as `\xhh`.
fn quote(bytes: &[u8], out: &mut String) {
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
}

/// A double the way Redis writes one (`%.17g` with the shortest digits that read back the
/// same): `1.5`, `3`, `1e+300`, `inf`, `-inf`, `nan`.
fn double(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // `{:e}` gives the shortest round-trip digits: `1.5e0`, `-1.2345e-7`.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..17).contains(&exp) {
        format!("{x}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    }
}

/// Raw mode: what redis-cli prints for `INFO` and the like. Strings and errors as they are,
/// nil as nothing, elements one per line, map entries as `key value`.
fn write_raw(v: &Value, out: &mut String) {
    match v {
        Value::Nil => {}
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::BulkString(bytes) => out.push_str(&String::from_utf8_lossy(bytes)),
        Value::SimpleString(s) => out.push_str(s),
        Value::Okay => out.push_str("OK"),
        Value::VerbatimString { text, .. } => out.push_str(text),
        Value::Double(x) => out.push_str(&double(*x)),
        Value::Boolean(b) => out.push_str(if *b { "(true)" } else { "(false)" }),
        Value::BigNumber(n) => out.push_str(&String::from_utf8_lossy(n)),
        Value::ServerError(e) => {
            out.push_str(&error_text(e));
            out.push('\n');
        }
        Value::Attribute { data, .. } => write_raw(data, out),
        Value::Array(items) | Value::Set(items) | Value::Push { data: items, .. } => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                write_raw(item, out);
            }
        }
        Value::Map(pairs) => {
            for (i, (k, val)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                write_raw(k, out);
                out.push(' ');
                write_raw(val, out);
            }
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redis::{PushKind, VerbatimFormat};

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    /// A server error exactly as the parser makes it from the wire.
    fn server_error(line: &str) -> Value {
        let v = redis::parse_redis_value(format!("-{line}\r\n").as_bytes()).unwrap();
        assert!(matches!(v, Value::ServerError(_)), "{v:?}");
        v
    }

    fn tty(v: &Value) -> String {
        format(v, false)
    }

    #[test]
    fn scalars() {
        assert_eq!(tty(&Value::Nil), "(nil)\n");
        assert_eq!(tty(&Value::Int(5)), "(integer) 5\n");
        assert_eq!(tty(&Value::Int(-12)), "(integer) -12\n");
        assert_eq!(tty(&bulk("bar")), "\"bar\"\n");
        assert_eq!(tty(&bulk("")), "\"\"\n");
        assert_eq!(tty(&Value::Okay), "OK\n");
        assert_eq!(tty(&Value::SimpleString("PONG".into())), "PONG\n");
        assert_eq!(tty(&Value::Boolean(true)), "(true)\n");
        assert_eq!(tty(&Value::Boolean(false)), "(false)\n");
        assert_eq!(
            tty(&Value::BigNumber(
                b"123456789012345678901234567890".to_vec()
            )),
            "(big number) 123456789012345678901234567890\n"
        );
        assert_eq!(
            tty(&Value::VerbatimString {
                format: VerbatimFormat::Text,
                text: "This is a verbatim\nstring".into()
            }),
            "This is a verbatim\nstring\n"
        );
    }

    #[test]
    fn doubles_as_redis_writes_them() {
        assert_eq!(tty(&Value::Double(1.5)), "(double) 1.5\n");
        assert_eq!(tty(&Value::Double(3.0)), "(double) 3\n");
        assert_eq!(tty(&Value::Double(12.375)), "(double) 12.375\n");
        assert_eq!(tty(&Value::Double(-0.25)), "(double) -0.25\n");
        assert_eq!(tty(&Value::Double(1e300)), "(double) 1e+300\n");
        assert_eq!(tty(&Value::Double(1.25e-7)), "(double) 1.25e-07\n");
        assert_eq!(tty(&Value::Double(0.0001)), "(double) 0.0001\n");
        assert_eq!(
            tty(&Value::Double(12345678901234567.0)),
            "(double) 12345678901234568\n"
        );
        assert_eq!(tty(&Value::Double(1e17)), "(double) 1e+17\n");
        assert_eq!(tty(&Value::Double(0.0)), "(double) 0\n");
        assert_eq!(tty(&Value::Double(f64::INFINITY)), "(double) inf\n");
        assert_eq!(tty(&Value::Double(f64::NEG_INFINITY)), "(double) -inf\n");
        assert_eq!(tty(&Value::Double(f64::NAN)), "(double) nan\n");
    }

    #[test]
    fn bulk_strings_are_quoted_and_escaped() {
        let v = Value::BulkString(b"a\x01\tb\"\\\r\n\x07\x08~ z".to_vec());
        assert_eq!(tty(&v), "\"a\\x01\\tb\\\"\\\\\\r\\n\\a\\b~ z\"\n");
        // Non-ASCII bytes, UTF-8 or not, one \x each, in lower case.
        assert_eq!(tty(&bulk("é")), "\"\\xc3\\xa9\"\n");
        assert_eq!(
            tty(&Value::BulkString(vec![0xff, 0x00, 0x7f])),
            "\"\\xff\\x00\\x7f\"\n"
        );
    }

    #[test]
    fn errors_as_redis_sent_them() {
        assert_eq!(
            tty(&server_error(
                "ERR You should send CLUSTER FAILOVER to a replica"
            )),
            "(error) ERR You should send CLUSTER FAILOVER to a replica\n"
        );
        assert_eq!(
            tty(&server_error("MOVED 3999 127.0.0.1:6381")),
            "(error) MOVED 3999 127.0.0.1:6381\n"
        );
        assert_eq!(
            tty(&server_error(
                "WRONGTYPE Operation against a key holding the wrong kind of value"
            )),
            "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n"
        );
        assert_eq!(tty(&server_error("NOAUTH")), "(error) NOAUTH\n");
        assert_eq!(
            tty(&server_error("CLUSTERDOWN The cluster is down")),
            "(error) CLUSTERDOWN The cluster is down\n"
        );
    }

    #[test]
    fn arrays_nest_like_redis_cli() {
        let v = Value::Array(vec![
            bulk("a"),
            Value::Array(vec![bulk("b"), Value::Int(3)]),
            Value::Nil,
        ]);
        assert_eq!(
            tty(&v),
            "1) \"a\"\n2) 1) \"b\"\n   2) (integer) 3\n3) (nil)\n"
        );

        let deep = Value::Array(vec![
            Value::Int(1),
            Value::Array(vec![
                Value::Int(2),
                Value::Array(vec![Value::Int(3), bulk("x")]),
            ]),
            Value::Array(vec![]),
            Value::Nil,
            server_error("ERR bad"),
            bulk("y"),
        ]);
        assert_eq!(
            tty(&deep),
            "1) (integer) 1\n\
             2) 1) (integer) 2\n   \
                2) 1) (integer) 3\n      \
                   2) \"x\"\n\
             3) (empty array)\n\
             4) (nil)\n\
             5) (error) ERR bad\n\
             6) \"y\"\n"
        );
    }

    #[test]
    fn empty_aggregates() {
        assert_eq!(tty(&Value::Array(vec![])), "(empty array)\n");
        assert_eq!(tty(&Value::Map(vec![])), "(empty hash)\n");
        assert_eq!(tty(&Value::Set(vec![])), "(empty set)\n");
        assert_eq!(
            tty(&Value::Push {
                kind: PushKind::Message,
                data: vec![]
            }),
            "(empty push)\n"
        );
    }

    #[test]
    fn numbers_align_past_nine() {
        let mut items: Vec<Value> = (1..=10).map(Value::Int).collect();
        items.push(Value::Array(vec![Value::Int(1), Value::Int(2)]));
        let text = tty(&Value::Array(items));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], " 1) (integer) 1");
        assert_eq!(lines[8], " 9) (integer) 9");
        assert_eq!(lines[9], "10) (integer) 10");
        assert_eq!(lines[10], "11) 1) (integer) 1");
        assert_eq!(lines[11], "    2) (integer) 2");
        assert_eq!(lines.len(), 12);
    }

    #[test]
    fn maps_and_sets_like_redis_cli() {
        let hello = Value::Map(vec![
            (bulk("server"), bulk("redis")),
            (bulk("proto"), Value::Int(3)),
            (bulk("modules"), Value::Array(vec![])),
        ]);
        assert_eq!(
            tty(&hello),
            "1# \"server\" => \"redis\"\n2# \"proto\" => (integer) 3\n3# \"modules\" => (empty array)\n"
        );
        let set = Value::Set(vec![Value::Int(0), bulk("x")]);
        assert_eq!(tty(&set), "1~ (integer) 0\n2~ \"x\"\n");

        // A value of several elements starts on its own line; one element stays inline.
        let nested = Value::Map(vec![
            (bulk("a"), Value::Set(vec![bulk("y"), bulk("x")])),
            (
                bulk("b"),
                Value::Map(vec![
                    (bulk("q"), Value::Array(vec![Value::Int(1), Value::Int(2)])),
                    (bulk("p"), Value::Int(1)),
                ]),
            ),
            (bulk("c"), Value::Map(vec![(bulk("x"), Value::Int(1))])),
            (bulk("d"), Value::Array(vec![Value::Int(3)])),
        ]);
        assert_eq!(
            tty(&nested),
            "1# \"a\" => \n   1~ \"y\"\n   2~ \"x\"\n\
             2# \"b\" => \n   1# \"q\" => \n      1) (integer) 1\n      2) (integer) 2\n   2# \"p\" => (integer) 1\n\
             3# \"c\" => 1# \"x\" => (integer) 1\n\
             4# \"d\" => 1) (integer) 3\n"
        );

        // A map inside an array.
        let v = Value::Array(vec![
            Value::Map(vec![
                (bulk("a"), Value::Array(vec![Value::Int(1), Value::Int(2)])),
                (bulk("b"), Value::Array(vec![Value::Int(3)])),
            ]),
            Value::Int(5),
        ]);
        assert_eq!(
            tty(&v),
            "1) 1# \"a\" => \n      1) (integer) 1\n      2) (integer) 2\n   2# \"b\" => 1) (integer) 3\n2) (integer) 5\n"
        );
        assert_eq!(
            tty(&Value::Map(vec![(Value::Int(1), bulk("x"))])),
            "1# (integer) 1 => \"x\"\n"
        );
    }

    #[test]
    fn push_and_attribute() {
        let push = Value::Push {
            kind: PushKind::Message,
            data: vec![bulk("message"), bulk("ch"), bulk("hi")],
        };
        assert_eq!(tty(&push), "1) \"message\"\n2) \"ch\"\n3) \"hi\"\n");
        let attr = Value::Attribute {
            data: Box::new(Value::Array(vec![Value::Int(1), Value::Int(2)])),
            attributes: vec![(bulk("ttl"), Value::Int(3600))],
        };
        assert_eq!(tty(&attr), "1) (integer) 1\n2) (integer) 2\n");
    }

    #[test]
    fn raw_mode() {
        let info = "# Replication\r\nrole:master\r\nconnected_slaves:1\r\n";
        assert_eq!(format(&bulk(info), true), info);
        assert_eq!(format(&bulk("a\"b\\\x01"), true), "a\"b\\\x01");
        assert_eq!(format(&Value::Nil, true), "");
        assert_eq!(format(&Value::Int(7), true), "7");
        assert_eq!(format(&Value::Okay, true), "OK");
        assert_eq!(format(&Value::SimpleString("PONG".into()), true), "PONG");
        assert_eq!(format(&Value::Double(2.5), true), "2.5");
        assert_eq!(format(&Value::Boolean(false), true), "(false)");
        assert_eq!(format(&Value::BigNumber(b"12".to_vec()), true), "12");
        assert_eq!(
            format(
                &Value::VerbatimString {
                    format: VerbatimFormat::Markdown,
                    text: "# doc".into()
                },
                true
            ),
            "# doc"
        );
        assert_eq!(
            format(
                &server_error("ERR This instance has cluster support disabled"),
                true
            ),
            "ERR This instance has cluster support disabled\n"
        );
        let nested = Value::Array(vec![
            bulk("a"),
            Value::Array(vec![bulk("b"), Value::Int(3)]),
            Value::Set(vec![bulk("s")]),
        ]);
        assert_eq!(format(&nested, true), "a\nb\n3\ns");
        let map = Value::Map(vec![(bulk("k"), bulk("v")), (bulk("n"), Value::Int(1))]);
        assert_eq!(format(&map, true), "k v\nn 1");
        let push = Value::Push {
            kind: PushKind::Invalidate,
            data: vec![bulk("x"), bulk("y")],
        };
        assert_eq!(format(&push, true), "x\ny");
        let attr = Value::Attribute {
            data: Box::new(bulk("d")),
            attributes: vec![],
        };
        assert_eq!(format(&attr, true), "d");
    }

    fn args(line: &str) -> Vec<Vec<u8>> {
        super::super::args::split(line).unwrap()
    }

    #[test]
    fn raw_commands() {
        for raw in [
            "INFO",
            "info replication",
            "CLUSTER NODES",
            "cluster info",
            "Cluster Info",
            "CLIENT LIST",
            "client list type normal",
            "CLIENT INFO",
            "MEMORY DOCTOR",
            "memory malloc-stats",
            "LATENCY DOCTOR",
            "latency graph command",
            "LOLWUT",
            "DEBUG HTSTATS 0",
            "debug htstats-key k",
            "debug client-eviction",
            "PROXY INFO",
        ] {
            assert!(is_raw_command(&args(raw)), "{raw} is raw");
        }
        for not_raw in [
            "",
            "GET info",
            "CLUSTER",
            "CLUSTER NODES extra",
            "CLUSTER SHARDS",
            "CLUSTER REPLICAS abc",
            "CLUSTER SLOTS",
            "CLIENT",
            "CLIENT ID",
            "MEMORY USAGE k",
            "LATENCY DOCTOR x",
            "LATENCY GRAPH",
            "LATENCY LATEST",
            "DEBUG SLEEP 1",
            "ROLE",
        ] {
            assert!(!is_raw_command(&args(not_raw)), "{not_raw:?} is not raw");
        }
    }
}
