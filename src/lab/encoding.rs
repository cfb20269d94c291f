//! Double-encoded text ("mojibake"): UTF-8 that was decoded as an 8-bit encoding and saved
//! again as UTF-8, so "é" (bytes C3 A9) shows as "Ã©" or "√©".
//!
//! Each character is mapped back to the byte it stands for in the 8-bit encoding; where those
//! bytes spell whole multi-byte UTF-8 characters, the stretch is probably mojibake. ASCII never
//! takes part, since every byte of a multi-byte UTF-8 character is 0x80 or above.

/// Which 8-bit encoding the text was wrongly decoded with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misread {
    Latin1,
    Windows1252,
    MacRoman,
}

/// One suspicious run of characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mojibake {
    /// Byte offset of the run in the text given to `find_mojibake`.
    pub offset: usize,
    /// The run as it appears ("√©").
    pub found: String,
    /// What it decodes to when repaired ("é").
    pub fixed: String,
    pub misread: Misread,
}

/// Windows-1252 bytes 0x80-0x9F (the rest is Latin-1). The five undefined bytes stand for the
/// C1 controls of the same number, as decoders that round-trip them do.
const CP1252_80: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";

/// Mac Roman bytes 0x80-0xFF: 0xCA is a no-break space, 0xDB the euro (since Mac OS 8.5) and
/// 0xF0 the Apple logo, which Unicode only has as the private-use U+F8FF.
const MAC_ROMAN_80: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü\
    †°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø\
    ¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ\
    ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

impl Misread {
    /// Tried in this order, the first winning a tie: Latin-1 is the narrowest claim (cp1252
    /// explains everything it does, save C1 controls), and Mac Roman, whose accented letters
    /// are continuation bytes, is the likeliest to match by accident.
    const ALL: [Misread; 3] = [Misread::Latin1, Misread::Windows1252, Misread::MacRoman];

    /// The byte this encoding decodes as `c`, if any.
    fn byte(self, c: char) -> Option<u8> {
        let code = u32::from(c);
        let high = |table: &str| table.chars().position(|t| t == c).map(|i| 0x80 + i as u8);
        match self {
            _ if code < 0x80 => Some(code as u8),
            Misread::Latin1 => u8::try_from(code).ok(),
            Misread::Windows1252 if (0xA0..=0xFF).contains(&code) => Some(code as u8),
            Misread::Windows1252 => high(CP1252_80),
            Misread::MacRoman => high(MAC_ROMAN_80),
        }
    }
}

/// Every run in `text` that is probably UTF-8 misread as an 8-bit encoding, in order.
/// Never panics, whatever the input.
pub fn find_mojibake(text: &str) -> Vec<Mojibake> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let mut best: Option<(Misread, usize, String)> = None;
        for misread in Misread::ALL {
            let (len, fixed) = stretch(misread, &chars[i..]);
            if len > best.as_ref().map_or(0, |b| b.1) {
                best = Some((misread, len, fixed));
            }
        }
        let Some((misread, len, fixed)) = best else {
            i += 1;
            continue;
        };
        let start = chars[i].0;
        let end = chars.get(i + len).map_or(text.len(), |&(at, _)| at);
        out.push(Mojibake {
            offset: start,
            found: text[start..end].to_string(),
            fixed,
            misread,
        });
        i += len;
    }
    out
}

/// The longest row of whole UTF-8 characters that `chars` spell in `misread`, from the first:
/// how many chars it takes, and what it decodes to.
fn stretch(misread: Misread, chars: &[(usize, char)]) -> (usize, String) {
    let (mut used, mut fixed) = (0, String::new());
    while let Some((n, c)) = sequence(misread, &chars[used..]) {
        used += n;
        fixed.push(c);
    }
    // A Spanish dialogue dash before a capital ("—Él") reads in Mac Roman as one Cyrillic
    // letter; real Cyrillic comes in words.
    let mut decoded = fixed.chars();
    let lone = decoded.next().filter(|_| decoded.next().is_none());
    if lone.is_some_and(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        return (0, String::new());
    }
    (used, fixed)
}

/// The first character that `chars` spell in `misread`, if it is a plausible original:
/// how many chars it takes, and the character.
fn sequence(misread: Misread, chars: &[(usize, char)]) -> Option<(usize, char)> {
    let mut bytes = [0u8; 4];
    let (len, lost_lead) = match misread.byte(chars.first()?.1)? {
        0xC2..=0xDF => (2, 0),
        0xE0..=0xEF => (3, 0),
        0xF0..=0xF4 => (4, 0),
        // Mac Roman's 0xF0 becomes the private-use Apple logo, which other systems drop: an
        // emoji (F0 9F ..) is then left as "ü" and two more, "üíª" for 💻.
        0x9F if misread == Misread::MacRoman => {
            bytes[0] = 0xF0;
            (4, 1)
        }
        _ => return None,
    };
    for (slot, &(_, c)) in bytes[lost_lead..len].iter_mut().zip(chars) {
        *slot = misread.byte(c)?;
    }
    // Too few chars leave zeros, which are not continuation bytes, so decoding fails.
    let c = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    let ok = match lost_lead {
        0 => plausible(c),
        _ => ('\u{1f000}'..='\u{1faff}').contains(&c),
    };
    ok.then_some((len - lost_lead, c))
}

/// Whether `c` is a likely original: from the blocks course text uses. Legitimate neighbours
/// also spell UTF-8, but rare characters: "«é" gives ǎ, "É»" ɻ and "qué…»" 酻, which
/// is why Asian scripts, whose Latin-1 forms start with é, á or í, are not looked for.
fn plausible(c: char) -> bool {
    matches!(u32::from(c),
        0xA0..=0x17F // Latin-1 letters and signs, Latin Extended-A
        | 0x300..=0x30C | 0x327..=0x328 // accents of decomposed letters, as macOS writes them
        | 0x386..=0x3CE // Greek
        | 0x400..=0x4FF // Cyrillic
        | 0x2000..=0x2BFF // punctuation, arrows, maths, box drawing, symbols, dingbats
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFFD // variation selectors, byte order mark, �
        | 0x1_0000..=0x1_FFFF) // emoji and other symbols
}

#[cfg(test)]
mod tests {
    use super::*;
    use Misread::*;

    const COURSE: &str = "Redis soporta _Manual failovers_ a través del comando CLUSTER \
        FAILOVER. Este comando debe ejecutarse en una de las réplicas del maestro del que vamos \
        a hacer _failover_. #### 💻️ _Manual failover_ La operación lleva a cabo el proceso de \
        una manera segura para evitar la pérdida de información.";

    /// The char `misread` decodes byte `b` as.
    fn char_of(b: u8, misread: Misread) -> char {
        let high = |table: &str| table.chars().nth(usize::from(b - 0x80)).unwrap();
        match misread {
            _ if b < 0x80 => char::from(b),
            Latin1 => char::from(b),
            Windows1252 if b >= 0xA0 => char::from(b),
            Windows1252 => high(CP1252_80),
            MacRoman => high(MAC_ROMAN_80),
        }
    }

    /// `text`'s UTF-8 bytes read as `misread`: the damage this module looks for.
    fn misencode(text: &str, misread: Misread) -> String {
        text.bytes().map(|b| char_of(b, misread)).collect()
    }

    fn repair(text: &str) -> String {
        let (mut out, mut at) = (String::new(), 0);
        for m in find_mojibake(text) {
            out.push_str(&text[at..m.offset]);
            out.push_str(&m.fixed);
            at = m.offset + m.found.len();
        }
        out + &text[at..]
    }

    fn one(offset: usize, found: &str, fixed: &str, misread: Misread) -> Vec<Mojibake> {
        let (found, fixed) = (found.to_string(), fixed.to_string());
        vec![Mojibake {
            offset,
            found,
            fixed,
            misread,
        }]
    }

    #[test]
    fn tables_match_the_encodings() {
        assert_eq!(
            (CP1252_80.chars().count(), MAC_ROMAN_80.chars().count()),
            (32, 128)
        );
        for (b, misread) in (0..=255).flat_map(|b| Misread::ALL.map(|m| (b, m))) {
            assert_eq!(
                misread.byte(char_of(b, misread)),
                Some(b),
                "{b:#x} {misread:?}"
            );
        }
        assert_eq!(misencode("é’€", Latin1), "Ã©â\u{80}\u{99}â\u{82}¬");
        assert_eq!(misencode("é’€", Windows1252), "Ã©â€™â‚¬");
        assert_eq!(misencode("é’€", MacRoman), "√©‚Äô‚Ç¨");
    }

    #[test]
    fn finds_the_known_examples() {
        assert_eq!(find_mojibake("trav√©s"), one(4, "√©", "é", MacRoman));
        assert_eq!(find_mojibake("café: cafÃ©"), one(10, "Ã©", "é", Latin1));
        assert_eq!(
            find_mojibake("it’s: itâ€™s"),
            one(10, "â€™", "’", Windows1252)
        );
        assert_eq!(find_mojibake("Ô∏è"), one(0, "Ô∏è", "\u{fe0f}", MacRoman));
        assert_eq!(
            find_mojibake("ï¸\u{8f}"),
            one(0, "ï¸\u{8f}", "\u{fe0f}", Latin1)
        );
        // Without its first byte, read as the Apple logo and often dropped, and with it.
        assert_eq!(
            find_mojibake("## üíªÔ∏è x"),
            one(3, "üíªÔ∏è", "💻️", MacRoman)
        );
        let apple = "\u{f8ff}üíªÔ∏è";
        assert_eq!(find_mojibake(apple), one(0, apple, "💻️", MacRoman));
    }

    #[test]
    fn offsets_are_bytes_in_the_whole_text() {
        let text = "# Título\nA trav√©s del año\n  itâ€™s cafÃ©\n";
        let found = find_mojibake(text);
        let at: Vec<_> = found
            .iter()
            .map(|m| (m.offset, &*m.found, &*m.fixed))
            .collect();
        assert_eq!(at, [(16, "√©", "é"), (36, "â€™", "’"), (49, "Ã©", "é")]);
    }

    #[test]
    fn repairs_double_encoded_sentences() {
        let sentences = [
            COURSE,
            "¿Qué pasó? ¡Año nuevo! El pingüino comió por 3 € — «así» es… ‘la’ vida.",
            "Mañana, Ñandú y la CANCIÓN del niño: está aquí. 💻️ ✓ → ÁÉÍÓÚ áéíóú ½ Σ 🇪🇸",
        ];
        for sentence in sentences {
            for misread in Misread::ALL {
                let damaged = misencode(sentence, misread);
                assert_eq!(repair(&damaged), sentence, "{misread:?}: {damaged}");
                // cp1252 and Latin-1 agree on 0xA0-0xFF, and Latin-1 wins the tie.
                let ok = |m| m == misread || (m, misread) == (Latin1, Windows1252);
                assert!(find_mojibake(&damaged).iter().all(|m| ok(m.misread)));
            }
        }
    }

    #[test]
    fn leaves_legitimate_text_alone() {
        let texts = "través|¿Qué?|¡Hola!|año|pingüino|1º|2ª|«cita»|—|…|€10|naïve|Ñandú|💻️|✓|✗|──\
            |→|•|中文|ÁÉÍÓÚ áéíóú|São|Ã|©|Ã ©|—Él dijo|“árbol”|«Él»|«CAFÉ»|«AQUÍ»|de\u{a0}él\
            |SÍ\u{a0}|Müller über Füße|¿Y qué…?|«¿y qué…»|√2 ≈ 1,41|🇪🇸";
        for text in texts.split('|').chain([COURSE]) {
            assert_eq!(find_mojibake(text), [], "{text}");
        }
    }

    #[test]
    fn never_panics() {
        let pool: Vec<char> = "aZ 1\n.💻\u{fe0f}中✓\u{f8ff}"
            .chars()
            .chain((0x80..=0xFF).filter_map(char::from_u32))
            .chain(MAC_ROMAN_80.chars().chain(CP1252_80.chars()))
            .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for _ in 0..5000 {
            let text: String = (0..next() % 24)
                .map(|_| pool[next() % pool.len()])
                .collect();
            let mut end = 0;
            for m in find_mojibake(&text) {
                assert!(m.offset >= end && !m.fixed.is_empty(), "{text:?}");
                assert!(
                    text.get(m.offset..)
                        .is_some_and(|t| t.starts_with(&m.found))
                );
                end = m.offset + m.found.len();
            }
        }
    }
}
