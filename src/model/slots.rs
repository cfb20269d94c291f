//! Hash slots: ranges, sets, and the slot of a key.

use std::fmt;
use std::str::FromStr;

pub const SLOTS: u16 = 16384;

/// An inclusive range of slots, `0-5960` or a single `42`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotRange {
    pub start: u16,
    pub end: u16,
}

impl SlotRange {
    pub fn new(start: u16, end: u16) -> SlotRange {
        SlotRange { start, end }
    }

    pub fn len(&self) -> usize {
        usize::from(self.end - self.start) + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Display for SlotRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

impl<'de> serde::Deserialize<'de> for SlotRange {
    /// `0-5960`, `"5961-6460"` or a single slot `42`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SlotRange, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SlotRange;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a slot range like 0-5960")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<SlotRange, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<SlotRange, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SlotRange, E> {
                v.parse().map_err(|_| {
                    crate::i18n::serde_error(crate::msg!("yaml-slot-range", value = v))
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl serde::Serialize for SlotRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotRangeError {
    NotANumber(String),
    OutOfRange(u32),
    Reversed(u16, u16),
}

impl FromStr for SlotRange {
    type Err = SlotRangeError;

    fn from_str(s: &str) -> Result<SlotRange, SlotRangeError> {
        let num = |p: &str| -> Result<u16, SlotRangeError> {
            let n: u32 = p
                .trim()
                .parse()
                .map_err(|_| SlotRangeError::NotANumber(p.trim().to_string()))?;
            if n >= u32::from(SLOTS) {
                return Err(SlotRangeError::OutOfRange(n));
            }
            Ok(n as u16)
        };
        let (a, b) = match s.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                let n = num(s)?;
                (n, n)
            }
        };
        if a > b {
            return Err(SlotRangeError::Reversed(a, b));
        }
        Ok(SlotRange::new(a, b))
    }
}

/// A set of slots, stored as a bitmap: cheap to compare, union and count.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SlotSet {
    bits: Box<[u64; 256]>,
}

impl Default for SlotSet {
    fn default() -> Self {
        SlotSet {
            bits: Box::new([0; 256]),
        }
    }
}

impl SlotSet {
    pub fn new() -> SlotSet {
        SlotSet::default()
    }

    pub fn all() -> SlotSet {
        SlotSet::from_ranges([SlotRange::new(0, SLOTS - 1)])
    }

    pub fn from_ranges(ranges: impl IntoIterator<Item = SlotRange>) -> SlotSet {
        let mut s = SlotSet::new();
        for r in ranges {
            s.insert_range(r);
        }
        s
    }

    pub fn insert(&mut self, slot: u16) {
        if slot < SLOTS {
            self.bits[usize::from(slot / 64)] |= 1 << (slot % 64);
        }
    }

    pub fn remove(&mut self, slot: u16) {
        if slot < SLOTS {
            self.bits[usize::from(slot / 64)] &= !(1 << (slot % 64));
        }
    }

    pub fn insert_range(&mut self, r: SlotRange) {
        for s in r.start..=r.end.min(SLOTS - 1) {
            self.insert(s);
        }
    }

    pub fn contains(&self, slot: u16) -> bool {
        slot < SLOTS && self.bits[usize::from(slot / 64)] & (1 << (slot % 64)) != 0
    }

    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|w| *w == 0)
    }

    pub fn union(&self, other: &SlotSet) -> SlotSet {
        let mut out = self.clone();
        for (a, b) in out.bits.iter_mut().zip(other.bits.iter()) {
            *a |= *b;
        }
        out
    }

    pub fn intersection(&self, other: &SlotSet) -> SlotSet {
        let mut out = self.clone();
        for (a, b) in out.bits.iter_mut().zip(other.bits.iter()) {
            *a &= *b;
        }
        out
    }

    pub fn difference(&self, other: &SlotSet) -> SlotSet {
        let mut out = self.clone();
        for (a, b) in out.bits.iter_mut().zip(other.bits.iter()) {
            *a &= !*b;
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..SLOTS).filter(move |s| self.contains(*s))
    }

    /// The set as maximal ranges, in order.
    pub fn ranges(&self) -> Vec<SlotRange> {
        let mut out: Vec<SlotRange> = vec![];
        for s in self.iter() {
            match out.last_mut() {
                Some(r) if r.end + 1 == s => r.end = s,
                _ => out.push(SlotRange::new(s, s)),
            }
        }
        out
    }
}

impl fmt::Display for SlotSet {
    /// `0-5960,6000`; an empty set is `-`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ranges = self.ranges();
        if ranges.is_empty() {
            return f.write_str("-");
        }
        for (i, r) in ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for SlotSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for SlotSet {
    type Err = String;

    /// The form `Display` writes: `0-5960,6000`, or `-` for none.
    fn from_str(s: &str) -> Result<SlotSet, String> {
        let mut set = SlotSet::new();
        for part in s.split(',').filter(|p| !p.is_empty() && *p != "-") {
            let r: SlotRange = part
                .parse()
                .map_err(|_| format!("not a slot range: {part}"))?;
            set.insert_range(r);
        }
        Ok(set)
    }
}

impl<'de> serde::Deserialize<'de> for SlotSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SlotSet, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlotSet({self})")
    }
}

impl FromIterator<u16> for SlotSet {
    fn from_iter<I: IntoIterator<Item = u16>>(iter: I) -> SlotSet {
        let mut s = SlotSet::new();
        for x in iter {
            s.insert(x);
        }
        s
    }
}

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The hash slot of a key, honouring hash tags: only the part between the first `{` and the
/// next `}` counts, when that part is not empty.
pub fn key_slot(key: &[u8]) -> u16 {
    let hashed = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            let close = rest.iter().position(|&b| b == b'}')?;
            (close > 0).then(|| &rest[..close])
        })
        .unwrap_or(key);
    crc16(hashed) % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_matches_the_reference_check_value() {
        // The published check value of CRC-16/XMODEM.
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    #[test]
    fn key_slots_match_redis() {
        // Values from CLUSTER KEYSLOT on a real server.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b"user:1000"), 1649);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
        assert_ne!(key_slot(b"foo{}{bar}"), key_slot(b"bar"));
        assert_eq!(key_slot(b"foo{{bar}}zap"), key_slot(b"{bar"));
        assert_eq!(key_slot(b""), 0);
    }

    #[test]
    fn ranges_parse_and_print() {
        assert_eq!("0-5960".parse(), Ok(SlotRange::new(0, 5960)));
        assert_eq!(" 42 ".parse(), Ok(SlotRange::new(42, 42)));
        assert_eq!(
            "10-2".parse::<SlotRange>(),
            Err(SlotRangeError::Reversed(10, 2))
        );
        assert_eq!(
            "0-16384".parse::<SlotRange>(),
            Err(SlotRangeError::OutOfRange(16384))
        );
        assert!(matches!(
            "a-b".parse::<SlotRange>(),
            Err(SlotRangeError::NotANumber(_))
        ));
        let s = SlotSet::from_ranges([SlotRange::new(5961, 6460), SlotRange::new(10923, 16383)]);
        assert_eq!(s.to_string(), "5961-6460,10923-16383");
        assert_eq!(s.len(), 5961);
        assert_eq!(SlotSet::new().to_string(), "-");
    }

    #[test]
    fn set_algebra() {
        let a = SlotSet::from_ranges([SlotRange::new(0, 99)]);
        let b = SlotSet::from_ranges([SlotRange::new(50, 149)]);
        assert_eq!(a.union(&b).len(), 150);
        assert_eq!(a.intersection(&b).ranges(), vec![SlotRange::new(50, 99)]);
        assert_eq!(a.difference(&b).ranges(), vec![SlotRange::new(0, 49)]);
        assert_eq!(SlotSet::all().len(), 16384);
        assert!(SlotSet::all().contains(16383));
        assert!(!SlotSet::all().contains(16384));
    }
}
