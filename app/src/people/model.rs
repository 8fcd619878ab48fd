//! Handles and display names, checked the same way on both sides, and a person as shown.
use crate::{domain::is_handle_char, error::AppError};
use serde::{Deserialize, Serialize};

/// The longest handle.
pub const HANDLE_MAX: usize = 32;
/// The longest display name, in characters.
pub const DISPLAY_NAME_MAX: usize = 80;

/// A handle: 1 to 32 of lowercase ASCII letters, digits, `-` and `_`. Input is lowercased, so
/// `@Ana` and `@ana` are the same person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handle(String);

impl Handle {
    /// Checks a typed handle (a leading `@` is allowed); the error names `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Handle, AppError> {
        let handle = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        if handle.is_empty() {
            return Err(AppError::field(field, "a handle is required"));
        }
        if handle.chars().count() > HANDLE_MAX {
            return Err(AppError::field(field, format!("use at most {HANDLE_MAX} characters")));
        }
        if !handle.chars().all(is_handle_char) {
            return Err(AppError::field(field, "use only letters, digits, - and _"));
        }
        Ok(Handle(handle))
    }

    /// A handle made from an address's local part, for an account made without choosing one
    /// (single sign-on, the command line): the allowed characters kept, never empty.
    pub fn from_email(email: &str) -> Handle {
        let local = email.split('@').next().unwrap_or_default();
        let handle: String = local
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .map(|c| if is_handle_char(c) { c } else { '-' })
            .take(HANDLE_MAX - 8)
            .collect();
        let handle = handle.trim_matches('-');
        Handle(if handle.is_empty() { "user".to_owned() } else { handle.to_owned() })
    }

    /// This handle with a number after it, to make it unique.
    pub fn numbered(&self, n: u32) -> Handle {
        let base: String = self.0.chars().take(HANDLE_MAX - 11).collect();
        Handle(format!("{base}-{n}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The mention being typed just before byte offset `caret` in `text`: where its `@` is (a byte
/// offset) and the handle typed so far (lowercased, possibly empty). None when the caret is not
/// right after `@` and handle characters, or the `@` is inside a word (an address).
pub fn mention_before(text: &str, caret: usize) -> Option<(usize, String)> {
    let before = text.get(..caret)?;
    let start = before.rfind(|c: char| !is_handle_char(c)).map_or(0, |at| at + before[at..].chars().next().map_or(1, char::len_utf8));
    let typed = &before[start..];
    let at = start.checked_sub(1).filter(|&at| before[at..].starts_with('@'))?;
    let inside_word = before[..at].chars().next_back().is_some_and(|c| is_handle_char(c) || c == '@' || c == '.' || c == '/');
    (!inside_word && typed.chars().count() <= HANDLE_MAX).then(|| (at, typed.to_ascii_lowercase()))
}

/// The byte offset in `text` of UTF-16 offset `offset` (what a browser's `selectionStart` is).
pub fn byte_offset(text: &str, offset: u32) -> usize {
    let mut units = 0u32;
    for (at, c) in text.char_indices() {
        if units >= offset {
            return at;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// A display name: trimmed, 1 to 80 characters, no control characters.
pub fn parse_display_name(field: &str, raw: &str) -> Result<String, AppError> {
    let name = crate::text::trimmed(raw);
    if name.is_empty() {
        return Err(AppError::field(field, "a name is required"));
    }
    if name.chars().count() > DISPLAY_NAME_MAX {
        return Err(AppError::field(field, format!("use at most {DISPLAY_NAME_MAX} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::field(field, "remove the control characters"));
    }
    Ok(crate::text::stored(name))
}

/// A display name from an address's local part: its words capitalised (`ana.lopez` is "Ana Lopez").
pub fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let words: Vec<String> = local
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect();
    let name = words.join(" ");
    let name: String = name.chars().take(DISPLAY_NAME_MAX).collect();
    if name.is_empty() { "User".to_owned() } else { name }
}

/// A person as anyone may see them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub handle: String,
    pub display_name: String,
}

impl Person {
    /// Someone whose account row is gone (accounts are deactivated, not deleted, so only by hand).
    pub fn unknown(id: i64) -> Person {
        Person { id, handle: String::new(), display_name: "a former account".to_owned() }
    }

    /// The name with the handle, as a history line shows it: `Ana López (@ana)`.
    pub fn named(&self) -> String {
        if self.handle.is_empty() { self.display_name.clone() } else { format!("{} (@{})", self.display_name, self.handle) }
    }

    /// Up to two letters for an avatar: the first letters of the name's first two words.
    pub fn initials(&self) -> String {
        let letters: String =
            self.display_name.split_whitespace().filter_map(|word| word.chars().find(|c| c.is_alphanumeric())).take(2).collect();
        if letters.is_empty() { self.handle.chars().take(1).collect::<String>().to_uppercase() } else { letters.to_uppercase() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_lowercase_letters_digits_dashes_and_underscores() {
        assert_eq!(Handle::parse("handle", " @Ana_B-1 ").unwrap().as_str(), "ana_b-1");
        assert!(Handle::parse("handle", "").is_err());
        assert!(Handle::parse("handle", "ana b").is_err());
        assert!(Handle::parse("handle", "ana.b").is_err());
        assert!(Handle::parse("handle", "émile").is_err());
        assert!(Handle::parse("handle", &"a".repeat(33)).is_err());
        assert!(Handle::parse("handle", &"a".repeat(32)).is_ok());
    }

    #[test]
    fn a_handle_from_an_address_is_always_valid() {
        for email in ["Ana.Lopez@example.com", "...@x.io", "émile@x.io", &format!("{}@x.io", "b".repeat(64))] {
            let handle = Handle::from_email(email);
            assert!(Handle::parse("h", handle.as_str()).is_ok(), "{email} gave {handle:?}");
            assert!(Handle::parse("h", handle.numbered(123_456_789).as_str()).is_ok());
        }
        assert_eq!(Handle::from_email("Ana.Lopez@example.com").as_str(), "ana-lopez");
    }

    #[test]
    fn a_name_from_an_address_reads_as_words() {
        assert_eq!(name_from_email("ana.lopez@example.com"), "Ana Lopez");
        assert_eq!(name_from_email("bench.maintainer3@bench.test"), "Bench Maintainer3");
        assert_eq!(name_from_email("...@x.io"), "User");
    }

    #[test]
    fn the_mention_being_typed_is_found_before_the_caret() {
        assert_eq!(mention_before("hi @an", 6), Some((3, "an".to_owned())));
        assert_eq!(mention_before("hi @", 4), Some((3, String::new())));
        assert_eq!(mention_before("@Ana", 4), Some((0, "ana".to_owned())));
        assert_eq!(mention_before("hi @an there", 12), None);
        assert_eq!(mention_before("ana@exa", 7), None);
        assert_eq!(mention_before("no at", 5), None);
        assert_eq!(mention_before("é @b", "é @b".len()), Some((3, "b".to_owned())));
        assert_eq!(byte_offset("é @b", 2), 3);
        assert_eq!(byte_offset("😀@b", 2), 4);
        assert_eq!(byte_offset("ab", 9), 2);
    }

    #[test]
    fn initials_come_from_the_name() {
        let person = |name: &str| Person { id: 1, handle: "ana".into(), display_name: name.into() };
        assert_eq!(person("Ana López").initials(), "AL");
        assert_eq!(person("ana").initials(), "A");
        assert_eq!(person("Ana Maria Lopez").initials(), "AM");
        assert_eq!(person("  ").initials(), "A");
    }
}
