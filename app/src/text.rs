//! Text as people type it, made fit to store, compare and show. A required text that shows
//! nothing (only white space, zero-width spaces, joiners, a byte-order mark...) is blank; stored
//! text is in Unicode normalization form C, so the same words typed on two systems compare
//! equal. Passwords never pass through here.

/// Whether `c` is a default-ignorable code point: one that renders as nothing unless a font
/// supports it specially (Unicode's `Default_Ignorable_Code_Point`, from DerivedCoreProperties).
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Whether `c` shows nothing: white space or a default-ignorable code point.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || is_default_ignorable(c)
}

/// Whether `text` shows nothing at all.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// `text` without what shows nothing at either end; empty when it is blank.
pub fn trimmed(text: &str) -> &str {
    text.trim_matches(is_invisible)
}

/// Search and filter text: trimmed, without control characters (which no stored text holds
/// and PostgreSQL refuses to compare).
pub fn cleaned(text: &str) -> String {
    trimmed(text).chars().filter(|c| !c.is_control()).collect()
}

/// `text` as it is stored: in normalization form C. The server normalizes; the browser's copy
/// of this code leaves it to the server (the tables would cost the bundle).
pub fn stored(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
        match is_nfc_quick(text.chars()) {
            IsNormalized::Yes => text.to_owned(),
            _ => text.nfc().collect(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_only_invisible_characters_is_blank() {
        for text in ["", " ", "\u{200B}", "\u{200C}\u{200D}", "\u{2060}", "\u{FEFF}", " \u{200B}\t\u{3164} ", "\u{00A0}\u{2007}"] {
            assert!(is_blank(text), "{text:?}");
            assert_eq!(trimmed(text), "", "{text:?}");
        }
        for text in ["a", "\u{200B}a\u{200B}", "·", "ㅤx"] {
            assert!(!is_blank(text), "{text:?}");
        }
        assert_eq!(trimmed("\u{FEFF} Export fails\u{200B} "), "Export fails");
        assert_eq!(trimmed("a\u{200D}b"), "a\u{200D}b", "joiners inside a word stay");
    }

    #[test]
    fn cleaning_drops_control_characters() {
        assert_eq!(cleaned(" ui\0\u{1}tag\u{7F} "), "uitag");
        assert_eq!(cleaned("\u{200B}"), "");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_text_is_composed() {
        assert_eq!(stored("Cafe\u{301}"), "Café");
        assert_eq!(stored("Café"), "Café");
        assert_eq!(stored("Ａ"), "Ａ", "compatibility forms are kept (NFC, not NFKC)");
    }
}
