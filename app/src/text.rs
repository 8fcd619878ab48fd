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

/// The first control character in a multi-line text (markdown) that no stored text may hold:
/// any but tab, line feed and carriage return. Said in the error as `U+001B`.
pub fn stray_control(text: &str) -> Option<String> {
    text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).map(|c| format!("U+{:04X}", c as u32))
}

/// Search and filter text: trimmed, without control characters (which no stored text holds
/// and PostgreSQL refuses to compare).
pub fn cleaned(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !c.is_control()).collect();
    trimmed(&visible).to_owned()
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
    use proptest::prelude::*;

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

    /// Text as people paste it: letters, combining marks, Hangul jamo, composed and singleton
    /// characters (Å, Ω, K), white space, zero-width and other invisible characters, controls.
    fn typed_text() -> impl Strategy<Value = String> {
        let character = prop_oneof![
            3 => proptest::char::range('a', 'z'),
            2 => proptest::char::range('\u{300}', '\u{36f}'),
            1 => proptest::char::range('\u{1100}', '\u{1112}'),
            1 => proptest::char::range('\u{1161}', '\u{1175}'),
            2 => prop::sample::select(vec!['é', 'Å', '\u{212b}', '\u{2126}', '\u{212a}', 'ﬁ', 'Ａ', '가', 'ǅ', '\u{f900}', '\u{1e9b}']),
            2 => prop::sample::select(vec![' ', '\t', '\n', '\u{a0}', '\u{3000}', '\u{200b}', '\u{200d}', '\u{feff}', '\u{ad}', '\u{3164}', '\u{e0001}']),
            1 => prop::sample::select(vec!['\0', '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}']),
            1 => any::<char>(),
        ];
        prop::collection::vec(character, 0..24).prop_map(String::from_iter)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn text_is_blank_exactly_when_nothing_is_left_after_trimming(text in typed_text()) {
            prop_assert_eq!(is_blank(&text), trimmed(&text).is_empty());
            prop_assert_eq!(is_blank(&text), text.chars().all(is_invisible));
        }

        #[test]
        fn trimming_leaves_nothing_invisible_at_either_end_and_keeps_the_middle(text in typed_text()) {
            let kept = trimmed(&text);
            prop_assert!(!kept.starts_with(is_invisible) && !kept.ends_with(is_invisible), "{:?} left {:?}", text, kept);
            let start = text.find(kept).unwrap_or_default();
            let (before, after) = (&text[..start], &text[start + kept.len()..]);
            prop_assert!(before.chars().chain(after.chars()).all(is_invisible), "{:?} lost more than its ends", text);
        }

        #[test]
        fn cleaned_text_has_no_control_characters(text in typed_text()) {
            let clean = cleaned(&text);
            prop_assert!(!clean.chars().any(char::is_control), "{:?} became {:?}", text, clean);
            let visible: String = text.chars().filter(|c| !c.is_control()).collect();
            prop_assert_eq!(clean.as_str(), trimmed(&visible), "nothing but controls and the invisible ends goes");
        }

        #[test]
        fn cleaned_text_is_trimmed(text in typed_text()) {
            let clean = cleaned(&text);
            prop_assert_eq!(trimmed(&clean), clean.as_str(), "{:?}", text);
        }
    }

    #[cfg(feature = "ssr")]
    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn stored_text_is_nfc_canonically_the_same_and_stable(text in typed_text()) {
            use unicode_normalization::{UnicodeNormalization, is_nfc};
            let once = stored(&text);
            prop_assert!(is_nfc(&once), "{:?} stored as {:?}", text, once);
            prop_assert_eq!(stored(&once), once.clone(), "storing twice changes nothing");
            prop_assert!(once.nfd().eq(text.nfd()), "{:?} stored as {:?}, which reads differently", text, once);
        }
    }
}
