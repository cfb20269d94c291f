//! Splitting a typed command line into arguments, with the quoting rules of redis-cli.
//!
//! - Arguments are separated by whitespace.
//! - `"..."` allows the escapes `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\a` and `\xHH`; any other
//!   escaped character stands for itself.
//! - `'...'` allows only `\'`; every other backslash is kept as it is.
//! - A quote may start in the middle of an argument (`a"b c"` is `ab c`), but a closing quote
//!   must be followed by whitespace or the end of the line.
//!
//! Arguments are bytes, not text: `"\xff"` is the one byte 0xff.

use crate::i18n::Msg;
use crate::msg;

/// The arguments of `line`, or a message saying the quotes do not balance. An empty or blank
/// line gives no arguments.
pub fn split(line: &str) -> Result<Vec<Vec<u8>>, Msg> {
    let bytes = line.as_bytes();
    let mut args = Vec::new();
    let mut at = 0;
    loop {
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        if at == bytes.len() {
            return Ok(args);
        }
        let (arg, next) = one_arg(bytes, at)?;
        args.push(arg);
        at = next;
    }
}

/// Whitespace as C's `isspace` sees it: it ends an unquoted argument.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Reads the argument starting at `start` (not whitespace); returns it and where it ended.
fn one_arg(bytes: &[u8], start: usize) -> Result<(Vec<u8>, usize), Msg> {
    let unbalanced = || msg!("shell-unbalanced-quotes");
    let mut arg = Vec::new();
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b if is_space(b) => break,
            b'"' => {
                at += 1;
                loop {
                    match bytes.get(at) {
                        None => return Err(unbalanced()),
                        Some(b'"') => {
                            at += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let (byte, used) = double_quote_escape(&bytes[at + 1..]);
                            if used == 0 {
                                // A backslash at the very end: the quote never closes.
                                return Err(unbalanced());
                            }
                            arg.push(byte);
                            at += 1 + used;
                        }
                        Some(&b) => {
                            arg.push(b);
                            at += 1;
                        }
                    }
                }
                if bytes.get(at).is_some_and(|b| !is_space(*b)) {
                    return Err(unbalanced());
                }
            }
            b'\'' => {
                at += 1;
                loop {
                    match bytes.get(at) {
                        None => return Err(unbalanced()),
                        Some(b'\'') => {
                            at += 1;
                            break;
                        }
                        Some(b'\\') if bytes.get(at + 1) == Some(&b'\'') => {
                            arg.push(b'\'');
                            at += 2;
                        }
                        Some(&b) => {
                            arg.push(b);
                            at += 1;
                        }
                    }
                }
                if bytes.get(at).is_some_and(|b| !is_space(*b)) {
                    return Err(unbalanced());
                }
            }
            b => {
                arg.push(b);
                at += 1;
            }
        }
    }
    Ok((arg, at))
}

/// The byte a backslash sequence inside double quotes stands for, given what follows the
/// backslash, and how many of those bytes it used (0 when nothing follows).
fn double_quote_escape(rest: &[u8]) -> (u8, usize) {
    let Some(&c) = rest.first() else {
        return (0, 0);
    };
    if c == b'x'
        && let (Some(hi), Some(lo)) = (
            rest.get(1).and_then(|b| hex_digit(*b)),
            rest.get(2).and_then(|b| hex_digit(*b)),
        )
    {
        return (hi * 16 + lo, 3);
    }
    let byte = match c {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'b' => 0x08,
        b'a' => 0x07,
        other => other,
    };
    (byte, 1)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Vec<Vec<u8>> {
        split(line).unwrap_or_else(|e| panic!("{line:?}: {e:?}"))
    }

    fn strs(line: &str) -> Vec<String> {
        ok(line)
            .into_iter()
            .map(|a| String::from_utf8(a).unwrap())
            .collect()
    }

    fn unbalanced(line: &str) {
        assert_eq!(
            split(line),
            Err(msg!("shell-unbalanced-quotes")),
            "{line:?} should be refused"
        );
    }

    #[test]
    fn empty_and_blank_lines_have_no_arguments() {
        assert!(ok("").is_empty());
        assert!(ok("   \t ").is_empty());
        assert!(ok("\r\n").is_empty());
    }

    #[test]
    fn whitespace_separates() {
        assert_eq!(strs("GET mf:user:1000"), ["GET", "mf:user:1000"]);
        assert_eq!(
            strs("  CLUSTER\tFAILOVER   force  "),
            ["CLUSTER", "FAILOVER", "force"]
        );
        assert_eq!(strs("x"), ["x"]);
        // Non-ASCII text passes through as its UTF-8 bytes.
        assert_eq!(strs("SET clé café"), ["SET", "clé", "café"]);
    }

    #[test]
    fn double_quotes_and_their_escapes() {
        assert_eq!(strs(r#"SET k "hello world""#), ["SET", "k", "hello world"]);
        assert_eq!(strs(r#""a\"b""#), ["a\"b"]);
        assert_eq!(strs(r#""a\\b""#), ["a\\b"]);
        assert_eq!(
            ok(r#""\n\r\t\b\a""#),
            [vec![b'\n', b'\r', b'\t', 0x08, 0x07]]
        );
        assert_eq!(ok(r#""\x41\xff\x00""#), [vec![b'A', 0xff, 0x00]]);
        assert_eq!(ok(r#""\xAb""#), [vec![0xab]]);
        // An escape that is not one of those is the character itself; a bad \x is an x.
        assert_eq!(strs(r#""\q\'""#), ["q'"]);
        assert_eq!(strs(r#""\xzz""#), ["xzz"]);
        assert_eq!(strs(r#""\x4""#), ["x4"]);
        assert_eq!(strs(r#""""#), [""]);
        assert_eq!(strs(r#"a "" b"#), ["a", "", "b"]);
        // Single quotes inside double quotes are plain characters.
        assert_eq!(strs(r#""it's""#), ["it's"]);
    }

    #[test]
    fn single_quotes_only_escape_the_quote() {
        assert_eq!(strs(r"'hello world'"), ["hello world"]);
        assert_eq!(strs(r"'it\'s'"), ["it's"]);
        assert_eq!(strs(r"'a\nb\\ c'"), ["a\\nb\\\\ c"]);
        assert_eq!(strs(r"'\x41'"), ["\\x41"]);
        assert_eq!(strs(r#"'say "hi"'"#), ["say \"hi\""]);
        assert_eq!(strs("''"), [""]);
    }

    #[test]
    fn quotes_may_start_inside_an_argument() {
        assert_eq!(strs(r#"ab"c d""#), ["abc d"]);
        assert_eq!(strs("ab'c d' e"), ["abc d", "e"]);
        assert_eq!(strs(r#"a"b"	c"#), ["ab", "c"]);
    }

    #[test]
    fn unbalanced_quotes_are_refused() {
        unbalanced(r#"SET k "abc"#);
        unbalanced("SET k 'abc");
        unbalanced(r#"SET k "abc"def"#);
        unbalanced("SET k 'abc'def");
        unbalanced(r#""a"'b'"#);
        unbalanced(r#""abc\"#);
        unbalanced(r#""abc\""#);
        unbalanced(r"'abc\'");
        // In single quotes `\'` is always the quote itself, even after another backslash.
        unbalanced(r"'abc\\'");
        unbalanced("\"");
        unbalanced("'");
    }
}
