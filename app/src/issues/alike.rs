//! "This looks like #123": open issues whose words match a title being typed, so that a
//! duplicate is found before it is filed.
//!
//! A title's significant words (stop words dropped, at most [`MOST_WORDS`]) are looked up in
//! the full-text index in tiers: issues holding all of them first, then all but one, and so on
//! down to half of them, each tier ranked by the index (PostgreSQL's `ts_rank`, SQLite's FTS5
//! `bm25`, the title weighted above the description). A tier only runs when the stricter ones
//! left places free, and each is a conjunction of words, so no request ranks a large part of
//! the table.
use super::model::LookAlike;
use super::query::Key;
use crate::{access, auth::model::CurrentUser, domain::Status, error::AppError, server::entities::issues};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Alias, Expr},
};

/// At most this many suggestions.
pub const MOST: usize = 5;
/// At most this many of a title's words are looked up (the first ones typed).
const MOST_WORDS: usize = 6;

/// Words too common to say two issues are alike: the English stop words PostgreSQL's `english`
/// configuration drops (so both databases look up the same words, and no tier shrinks there).
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "below", "between", "both", "but", "by", "can", "did", "do", "does", "doing", "don", "down", "during",
    "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no",
    "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "you", "your", "yours", "yourself",
    "yourselves",
];

/// The words of `title` that say what it is about: letters and digits, lower case, stop words,
/// single letters and repeats dropped, at most [`MOST_WORDS`].
pub fn significant_words(title: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in crate::text::stored(title).split(|c: char| !c.is_alphanumeric()) {
        let word = word.to_lowercase();
        // One letter ("s" of "user's", "t" of "can't") says nothing either.
        if word.chars().count() < 2 || STOP_WORDS.contains(&word.as_str()) || words.contains(&word) {
            continue;
        }
        words.push(word);
        if words.len() == MOST_WORDS {
            break;
        }
    }
    words
}

/// Every choice of `size` of `words`, in order.
fn choices(words: &[String], size: usize) -> Vec<Vec<&str>> {
    if size == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for (i, first) in words.iter().enumerate() {
        if words.len() - i < size {
            break;
        }
        for mut rest in choices(&words[i + 1..], size - 1) {
            rest.insert(0, first.as_str());
            all.push(rest);
        }
    }
    all
}

/// Issues holding at least `size` of `words`, in the index's own syntax. The words hold only
/// letters and digits, so none of them is an operator.
fn at_least(backend: DbBackend, words: &[String], size: usize) -> String {
    let (and, or, quote) = if backend == DbBackend::Postgres { (" & ", " | ", "") } else { (" AND ", " OR ", "\"") };
    choices(words, size)
        .into_iter()
        .map(|choice| {
            let terms: Vec<String> = choice.iter().map(|word| format!("{quote}{word}{quote}")).collect();
            format!("({})", terms.join(and))
        })
        .collect::<Vec<_>>()
        .join(or)
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    title: String,
    status: Status,
}

/// The open issues `actor` may see holding at least `size` of `words`, leaving out `found`, the
/// best ranked `room` of them.
fn tier(backend: DbBackend, actor: &CurrentUser, words: &[String], size: usize, found: &[LookAlike], room: usize) -> sea_orm::Select<issues::Entity> {
    let matching = at_least(backend, words, size);
    let select = issues::Entity::find()
        .select_only()
        .columns([issues::Column::Id, issues::Column::Title, issues::Column::Status])
        .filter(access::visible_issues(actor))
        .filter(super::list::key_condition(backend, actor, &Key::Open(true), chrono::Utc::now()))
        .filter(issues::Column::Id.is_not_in(found.iter().map(|issue| issue.id)))
        .limit(room as u64);
    let select = match backend {
        DbBackend::Postgres => select
            .filter(Expr::cust_with_values(r#""issues"."search" @@ to_tsquery('english', $1)"#, [matching.clone()]))
            .order_by(Expr::cust_with_values(r#"ts_rank("issues"."search", to_tsquery('english', $1))"#, [matching]), Order::Desc),
        _ => {
            // From the index's matches to their issues: SQLite keeps a CROSS JOIN's order, where
            // an inner join let it walk every open issue and ask the index about each.
            let mut select = select;
            QuerySelect::query(&mut select).from_clear().from(Alias::new("issues_fts")).cross_join(issues::Entity);
            let select = select.filter(Expr::cust(r#""issues"."id" = "issues_fts"."rowid""#));
            // bm25 is lowest for the best match; the title counts ten times the description.
            select.filter(Expr::cust_with_values(r#""issues_fts" MATCH ?"#, [matching])).order_by(Expr::cust(r#"bm25("issues_fts", 10.0, 1.0)"#), Order::Asc)
        }
    };
    select.order_by_desc(issues::Column::Id)
}

/// The fewest of `words` an issue must hold to be suggested: half of them, rounded up.
fn fewest(words: &[String]) -> usize {
    words.len().div_ceil(2).max(1)
}

/// Up to [`MOST`] open issues that `actor` may see and whose words match `title`'s, most alike
/// first. A title without a significant word finds none.
pub async fn look_alike(db: &impl ConnectionTrait, actor: &CurrentUser, title: &str) -> Result<Vec<LookAlike>, AppError> {
    let backend = db.get_database_backend();
    let words = significant_words(title);
    let mut found: Vec<LookAlike> = Vec::new();
    for size in (fewest(&words)..=words.len()).rev() {
        if found.len() >= MOST {
            break;
        }
        let rows = tier(backend, actor, &words, size, &found, MOST - found.len()).into_model::<Row>().all(db).await?;
        found.extend(rows.into_iter().map(|row| LookAlike { id: row.id, title: row.title, status: row.status }));
    }
    Ok(found)
}

/// The SQL of the loosest tier for `title` (the one that reads the most), for reading its plan.
pub fn statement(backend: DbBackend, actor: &CurrentUser, title: &str) -> Option<sea_orm::Statement> {
    let words = significant_words(title);
    (!words.is_empty()).then(|| tier(backend, actor, &words, fewest(&words), &[], MOST).build(backend))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_its_significant_words() {
        assert_eq!(significant_words("The export crashes when saving on Windows 11"), ["export", "crashes", "saving", "windows", "11"]);
        assert_eq!(significant_words("Crash, crash; CRASH!"), ["crash"]);
        assert_eq!(significant_words("it is on the"), Vec::<String>::new());
        assert_eq!(significant_words("ab bc cd de ef fg gh hi").len(), 6, "at most six words, of the first typed");
        assert_eq!(significant_words(r#"xy" OR 1=1 -- NEAR(a bc)"#), ["xy", "near", "bc"], "only letters and digits are kept");
        assert_eq!(significant_words("The user's file can't be saved"), ["user", "file", "saved"], "no single letters");
    }

    #[test]
    fn tiers_are_every_choice_of_so_many_words() {
        let words: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(at_least(DbBackend::Postgres, &words, 2), "(a & b) | (a & c) | (b & c)");
        assert_eq!(at_least(DbBackend::Sqlite, &words, 3), r#"("a" AND "b" AND "c")"#);
        assert_eq!(choices(&words, 1).len(), 3);
        let six: Vec<String> = (0..6).map(|i| i.to_string()).collect();
        assert_eq!(choices(&six, 3).len(), 20);
    }
}
