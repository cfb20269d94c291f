//! A guard on what a node may send: the stream under every connection is read through a RESP
//! framing scanner that refuses, before anything is buffered, a peer that does not speak the
//! protocol (an HTTP server given as a node) and a reply larger than the connection allows (a
//! `$9999999999` header followed by endless bytes). The redis crate then reports an I/O error,
//! which `conn::classify` turns into "not a Redis node" or "reply too large".

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What one connection accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one bulk string (`$`, `=`, `!`).
    pub bulk: u64,
    /// Bytes of one whole reply, nested elements included.
    pub reply: u64,
    /// Elements of one aggregate (`*`, `%`, `~`, `>`, `|`).
    pub elements: u64,
}

impl Limits {
    /// For the runner's own questions (CLUSTER NODES of a few hundred nodes, INFO, SCAN
    /// batches, the consistency test's counters): generous for any real cluster, small for
    /// memory.
    pub const ADMIN: Limits = Limits {
        bulk: 4 << 20,
        reply: 16 << 20,
        elements: 1 << 20,
    };

    /// For the student's commands in `lab shell`: what Redis itself may send (its
    /// proto-max-bulk-len is 512 MB), never more.
    pub const SHELL: Limits = Limits {
        bulk: 512 << 20,
        reply: u64::MAX,
        elements: 1 << 31,
    };
}

/// The markers `conn::classify` looks for in an I/O error's text.
pub const NOT_RESP: &str = "lab: the peer does not speak RESP";
pub const TOO_LARGE: &str = "lab: reply larger than the connection allows";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// The type byte of the next value.
    Type,
    /// The rest of a simple line (`+`, `-`, `:`, …), up to CRLF.
    Line,
    /// A length or count line: the type it belongs to, and the digits so far.
    Length {
        kind: u8,
        value: u64,
        negative: bool,
        digits: usize,
    },
    /// The LF of a length line's CRLF.
    LengthEnd {
        kind: u8,
        value: u64,
        negative: bool,
    },
    /// Bytes of a bulk payload still to skip, then its CRLF.
    Payload(u64),
}

/// Follows the framing of the replies read so far.
#[derive(Clone, Debug)]
pub struct Scanner {
    limits: Limits,
    want: Want,
    /// Elements still expected by each open aggregate, innermost last.
    open: Vec<u64>,
    /// Bytes of the current top-level reply.
    reply_bytes: u64,
    line_bytes: u64,
}

/// A simple line longer than this is not a Redis reply.
const MAX_LINE: u64 = 1 << 20;

impl Scanner {
    pub fn new(limits: Limits) -> Scanner {
        Scanner {
            limits,
            want: Want::Type,
            open: vec![],
            reply_bytes: 0,
            line_bytes: 0,
        }
    }

    /// One value finished: count it against the aggregate that holds it.
    fn value_done(&mut self) {
        while let Some(left) = self.open.last_mut() {
            *left = left.saturating_sub(1);
            if *left > 0 {
                self.want = Want::Type;
                return;
            }
            self.open.pop();
        }
        // A top-level reply is complete.
        self.reply_bytes = 0;
        self.want = Want::Type;
    }

    /// Follows `bytes`; the error says why the peer is refused.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), &'static str> {
        let mut i = 0;
        while i < bytes.len() {
            if let Want::Payload(n) = self.want {
                // Skip what the payload holds in this chunk at once.
                let take = (n as usize).min(bytes.len() - i);
                i += take;
                self.reply_bytes += take as u64;
                let left = n - take as u64;
                self.want = Want::Payload(left);
                if left == 0 {
                    // The CRLF after the payload was counted in `n`.
                    self.value_done();
                }
                continue;
            }
            let b = bytes[i];
            i += 1;
            self.reply_bytes += 1;
            if self.reply_bytes > self.limits.reply {
                return Err(TOO_LARGE);
            }
            self.want = match self.want {
                Want::Type => match b {
                    b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => {
                        self.line_bytes = 0;
                        Want::Line
                    }
                    b'$' | b'=' | b'!' | b'*' | b'%' | b'~' | b'>' | b'|' => Want::Length {
                        kind: b,
                        value: 0,
                        negative: false,
                        digits: 0,
                    },
                    _ => return Err(NOT_RESP),
                },
                Want::Line => {
                    self.line_bytes += 1;
                    if self.line_bytes > MAX_LINE {
                        return Err(NOT_RESP);
                    }
                    if b == b'\n' {
                        self.value_done();
                        continue;
                    }
                    Want::Line
                }
                Want::Length {
                    kind,
                    value,
                    negative,
                    digits,
                } => match b {
                    b'-' if digits == 0 && !negative => Want::Length {
                        kind,
                        value,
                        negative: true,
                        digits,
                    },
                    b'0'..=b'9' if digits < 20 => Want::Length {
                        kind,
                        value: value.saturating_mul(10).saturating_add(u64::from(b - b'0')),
                        negative,
                        digits: digits + 1,
                    },
                    b'\r' if digits > 0 => Want::LengthEnd {
                        kind,
                        value,
                        negative,
                    },
                    // `$?` streamed strings and other oddities: not what a node sends us.
                    _ => return Err(NOT_RESP),
                },
                Want::LengthEnd {
                    kind,
                    value,
                    negative,
                } => {
                    if b != b'\n' {
                        return Err(NOT_RESP);
                    }
                    if negative {
                        // A null (`$-1`, `*-1`).
                        self.value_done();
                        continue;
                    }
                    match kind {
                        b'$' | b'=' | b'!' => {
                            if value > self.limits.bulk {
                                return Err(TOO_LARGE);
                            }
                            Want::Payload(value + 2)
                        }
                        _ => {
                            let elements = if matches!(kind, b'%' | b'|') {
                                value.saturating_mul(2)
                            } else {
                                value
                            };
                            if elements > self.limits.elements {
                                return Err(TOO_LARGE);
                            }
                            if elements == 0 {
                                self.value_done();
                                continue;
                            }
                            self.open.push(elements);
                            Want::Type
                        }
                    }
                }
                Want::Payload(_) => unreachable!("handled above"),
            };
        }
        Ok(())
    }
}

/// A stream whose reads go through a [`Scanner`].
pub struct Guarded<S> {
    inner: S,
    scanner: Scanner,
    refused: Option<&'static str>,
}

impl<S> Guarded<S> {
    pub fn new(inner: S, limits: Limits) -> Guarded<S> {
        Guarded {
            inner,
            scanner: Scanner::new(limits),
            refused: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(why) = self.refused {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, why)));
        }
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if let Err(why) = this.scanner.feed(&buf.filled()[before..]) {
                    this.refused = Some(why);
                    // None of it reaches the parser.
                    buf.set_filled(before);
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, why)));
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(limits: Limits, chunks: &[&[u8]]) -> Result<(), &'static str> {
        let mut s = Scanner::new(limits);
        for c in chunks {
            s.feed(c)?;
        }
        Ok(())
    }

    #[test]
    fn redis_replies_pass() {
        let replies: &[&[u8]] = &[
            b"+OK\r\n",
            b"-ERR no\r\n",
            b":42\r\n",
            b"$5\r\nhello\r\n",
            b"$-1\r\n",
            b"*2\r\n$3\r\nfoo\r\n:1\r\n",
            b"*0\r\n",
            b"%1\r\n+k\r\n*1\r\n$1\r\nv\r\n",
            b"_\r\n",
            b",3.14\r\n",
            b"#t\r\n",
        ];
        for r in replies {
            assert_eq!(
                scan(Limits::ADMIN, &[r]),
                Ok(()),
                "{:?}",
                String::from_utf8_lossy(r)
            );
        }
        // Byte by byte, and several replies in one read.
        let all: Vec<u8> = replies.concat();
        let bytes: Vec<&[u8]> = all.chunks(1).collect();
        assert_eq!(scan(Limits::ADMIN, &bytes), Ok(()));
        assert_eq!(scan(Limits::ADMIN, &[&all]), Ok(()));
    }

    #[test]
    fn what_is_not_redis_or_too_large_is_refused() {
        assert_eq!(
            scan(Limits::ADMIN, &[b"HTTP/1.1 400 Bad Request\r\n"]),
            Err(NOT_RESP)
        );
        assert_eq!(scan(Limits::ADMIN, &[b"$9999999999\r\n"]), Err(TOO_LARGE));
        assert_eq!(scan(Limits::SHELL, &[b"$600000000\r\n"]), Err(TOO_LARGE));
        assert_eq!(scan(Limits::SHELL, &[b"$400000000\r\n"]), Ok(()));
        assert_eq!(scan(Limits::ADMIN, &[b"*99999999999\r\n"]), Err(TOO_LARGE));
        assert_eq!(scan(Limits::ADMIN, &[b"$12x\r\n"]), Err(NOT_RESP));
        assert_eq!(
            scan(Limits::ADMIN, &[b"$123456789012345678901234\r\n"]),
            Err(NOT_RESP)
        );
        // Many small bulks adding up past the reply limit.
        let mut big = b"*100000\r\n".to_vec();
        for _ in 0..100_000 {
            big.extend_from_slice(b"$200\r\n");
            big.extend(std::iter::repeat_n(b'x', 200));
            big.extend_from_slice(b"\r\n");
        }
        assert_eq!(scan(Limits::ADMIN, &[&big]), Err(TOO_LARGE));
    }
}
