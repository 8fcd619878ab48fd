//! The issue list: filters, full-text search and keyset pagination. One query builder serves
//! the page, the API and the query-plan tests, so what is measured is what runs.
use super::model::{AssigneeFilter, IssueFilter, IssuePage, IssueSort, IssueSummary, PAGE_SIZE};
use super::query::{self, Key, Op, Query, When};
use crate::{
    access::{self, IssueScope},
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    people::model::Person,
    server::entities::{issues, users},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JoinType, Order, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationTrait, Select, Statement,
    sea_query::{Alias, Expr, ExprTrait},
};

/// Where a page starts: the sort key of the row just outside it. The rank and time are
/// always carried, so one format serves every order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    rank: i16,
    at: DateTime<Utc>,
    id: i64,
}

impl Cursor {
    fn of(sort: IssueSort, issue: &IssueSummary) -> Cursor {
        let at = if sort == IssueSort::Updated { issue.updated_at } else { issue.created_at };
        Cursor { rank: issue.severity.rank(), at, id: issue.id }
    }

    /// `rank.nanoseconds.id`: opaque to users, stable in a URL.
    pub fn encode(self) -> String {
        format!("{}.{}.{}", self.rank, self.at.timestamp_nanos_opt().unwrap_or_default(), self.id)
    }

    /// A cursor from a URL; anything malformed is `None`, and the list starts from the top.
    pub fn decode(raw: &str) -> Option<Cursor> {
        let mut parts = raw.split('.');
        let rank = parts.next()?.parse().ok()?;
        let at = DateTime::from_timestamp_nanos(parts.next()?.parse().ok()?);
        let id = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Cursor { rank, at, id })
    }
}

#[derive(FromQueryResult)]
struct SummaryRow {
    id: i64,
    title: String,
    severity: Severity,
    status: Status,
    reporter_id: i64,
    reporter_handle: String,
    reporter_name: String,
    assignee_id: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

/// An FTS5 query that matches what `websearch_to_tsquery` would on PostgreSQL: words and
/// "quoted phrases" must all appear, `or` between two terms accepts either, and `-word`
/// excludes. Every term is quoted, so no input is FTS5 syntax; `None` when no word is left.
pub fn fts5_query(search: &str) -> Option<String> {
    // The words of a term as one quoted FTS5 phrase (`"a b"`); tokens hold only letters and digits.
    fn phrase(text: &str) -> Option<String> {
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        (!words.is_empty()).then(|| format!("\"{}\"", words.join(" ")))
    }
    let mut terms: Vec<(bool, String)> = Vec::new(); // (negated, phrase) or (false, "OR")
    let mut rest = search;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated = rest.starts_with('-');
        let body = if negated { &rest[1..] } else { rest };
        let (text, quoted, next) = match body.strip_prefix('"') {
            Some(inner) => match inner.find('"') {
                Some(end) => (&inner[..end], true, &inner[end + 1..]),
                None => (inner, true, ""),
            },
            None => {
                let end = body.find(char::is_whitespace).unwrap_or(body.len());
                (&body[..end], false, &body[end..])
            }
        };
        rest = next;
        if !quoted && !negated && text.eq_ignore_ascii_case("or") {
            terms.push((false, "OR".to_owned()));
        } else if let Some(phrase) = phrase(text) {
            terms.push((negated, phrase));
        }
        if terms.len() >= 64 {
            break;
        }
    }
    let mut positive = String::new();
    let mut negative = String::new();
    let mut pending_or = false;
    for (negated, term) in terms {
        if term == "OR" {
            pending_or = !positive.is_empty();
        } else if negated {
            negative.push_str(&format!(" NOT {term}"));
        } else {
            if !positive.is_empty() {
                positive.push_str(if pending_or { " OR " } else { " AND " });
            }
            positive.push_str(&term);
            pending_or = false;
        }
    }
    // FTS5's NOT needs something on its left; a search of exclusions alone finds nothing.
    (!positive.is_empty()).then(|| format!("{positive}{negative}"))
}

/// A condition with one bound value, written with `?` and numbered for PostgreSQL.
fn condition(backend: DbBackend, sql: &str, value: String) -> Expr {
    let sql = if backend == DbBackend::Postgres { sql.replace('?', "$1") } else { sql.to_owned() };
    Expr::cust_with_values(sql, [value])
}

fn rank_column() -> Expr {
    Expr::col((issues::Entity, Alias::new("severity_rank")))
}

/// The condition one key puts on `issues`, as the list's controls and the query language share it.
pub(super) fn key_condition(backend: DbBackend, actor: &CurrentUser, key: &Key, now: DateTime<Utc>) -> Condition {
    let one = |expr: Expr| Condition::all().add(expr);
    let time = |column: issues::Column, op: Op, when: When| -> Condition {
        let at = Expr::col((issues::Entity, column));
        let (start, end) = match when {
            // The day itself, from its first moment to the next day's.
            When::Day(day) => {
                let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                (start, start + chrono::Duration::days(1))
            }
            // An age: "7 days ago" is the day ending 7 days before now.
            When::Days(days) => {
                let point = now - chrono::Duration::days(i64::from(days));
                return match op {
                    Op::Lt => one(at.gt(point)),
                    Op::Le => one(at.gte(point)),
                    Op::Gt => one(at.lt(point)),
                    Op::Ge => one(at.lte(point)),
                    Op::Eq => Condition::all().add(at.clone().gt(point - chrono::Duration::days(1))).add(at.lte(point)),
                };
            }
        };
        match op {
            Op::Eq => Condition::all().add(at.clone().gte(start)).add(at.lt(end)),
            Op::Lt => one(at.lt(start)),
            Op::Le => one(at.lt(end)),
            Op::Gt => one(at.gte(end)),
            Op::Ge => one(at.gte(start)),
        }
    };
    match key {
        // Listed rather than "not done", so the database can seek the status indexes.
        Key::Open(true) => one(issues::Column::Status.is_in(Status::ALL.iter().copied().filter(|s| *s != Status::Done)).into()),
        Key::Open(false) => one(issues::Column::Status.eq(Status::Done).into()),
        Key::Status(status) => one(issues::Column::Status.eq(*status).into()),
        Key::Severity(Op::Eq, severity) => one(issues::Column::Severity.eq(*severity).into()),
        Key::Severity(op, severity) => {
            let rank = Expr::val(severity.rank());
            one(match op {
                Op::Lt => rank_column().lt(rank),
                Op::Le => rank_column().lte(rank),
                Op::Gt => rank_column().gt(rank),
                _ => rank_column().gte(rank),
            })
        }
        Key::Tag(tag) => one(condition(
            backend,
            r#""issues"."id" IN (SELECT "issue_tags"."issue_id" FROM "issue_tags" JOIN "tags" ON "tags"."id" = "issue_tags"."tag_id" WHERE "tags"."name_key" = ?)"#,
            crate::text::cleaned(tag).to_lowercase(),
        )),
        // Handles and emails are unique, so this is one id, and both databases seek the reporter
        // index with it. An address still works, for links made before there were handles.
        Key::Reporter(reporter) => one(condition(
            backend,
            if reporter.contains('@') {
                r#""issues"."reporter_id" = (SELECT "users"."id" FROM "users" WHERE "users"."email" = ?)"#
            } else {
                r#""issues"."reporter_id" = (SELECT "users"."id" FROM "users" WHERE "users"."handle" = ?)"#
            },
            crate::text::cleaned(reporter).to_lowercase(),
        )),
        Key::Assignee(AssigneeFilter::Me) => one(issues::Column::AssigneeId.eq(actor.id).into()),
        Key::Assignee(AssigneeFilter::Nobody) => one(issues::Column::AssigneeId.is_null().into()),
        Key::Assignee(AssigneeFilter::Handle(handle)) => one(condition(
            backend,
            r#""issues"."assignee_id" = (SELECT "users"."id" FROM "users" WHERE "users"."handle" = ?)"#,
            crate::text::cleaned(handle).trim_start_matches('@').to_lowercase(),
        )),
        Key::Created(op, when) => time(issues::Column::CreatedAt, *op, *when),
        Key::Updated(op, when) => time(issues::Column::UpdatedAt, *op, *when),
    }
}

/// The query typed into the search box (`q`), or the error to show under it (422, naming `q`).
pub fn typed_query(filter: &IssueFilter) -> Result<Query, AppError> {
    match &filter.q {
        None => Ok(Query::default()),
        Some(q) => query::parse(q).map_err(|error| AppError::field("q", error.to_string())),
    }
}

/// `filter` with the order its query asks for (`sort:updated` wins over the control).
fn resolved(filter: &IssueFilter, query: &Query) -> IssueFilter {
    IssueFilter { sort: query.sort.unwrap_or(filter.sort), ..filter.clone() }
}

/// The issues `actor` may see, narrowed by `filter` and its typed query (without its page):
/// reporters see only their own.
fn filtered(backend: DbBackend, actor: &CurrentUser, filter: &IssueFilter, query: &Query) -> Select<issues::Entity> {
    // Deleted issues are listed only to those who may see them, and only when they ask.
    let mut select = issues::Entity::find().filter(if filter.deleted && access::sees_deleted(actor) {
        IssueScope::of(actor).condition().add(issues::Column::DeletedAt.is_not_null())
    } else {
        access::visible_issues(actor)
    });
    let now = Utc::now();
    for key in filter.control_keys() {
        select = select.filter(key_condition(backend, actor, &key, now));
    }
    for (negated, key) in &query.keys {
        let condition = key_condition(backend, actor, key, now);
        select = select.filter(match (negated, key) {
            (false, _) => condition,
            // Not assigned to someone includes not assigned at all.
            (true, Key::Assignee(AssigneeFilter::Me | AssigneeFilter::Handle(_))) => Condition::any().add(issues::Column::AssigneeId.is_null()).add(condition.not()),
            (true, _) => condition.not(),
        });
    }
    // The parser left the text cleaned (see `clean_search`); the index holds it in NFC.
    if let Some(search) = query.text.as_deref().map(crate::text::stored) {
        select = select.filter(match backend {
            DbBackend::Postgres => condition(backend, r#""issues"."search" @@ websearch_to_tsquery('english', ?)"#, search),
            _ => match fts5_query(&search) {
                Some(fts) => condition(backend, r#""issues"."id" IN (SELECT rowid FROM "issues_fts" WHERE "issues_fts" MATCH ?)"#, fts),
                None => Expr::cust("1 = 0"),
            },
        });
    }
    select
}

/// Which way a page reads from its cursor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// The first page, or the one after a cursor: in the list's order.
    Forward,
    /// The page before a cursor: read in reverse, then turned around.
    Backward,
}

/// The query for one page (one row more than fits, to know whether another follows).
fn page_select(backend: DbBackend, actor: &CurrentUser, filter: &IssueFilter, query: &Query) -> (Select<issues::Entity>, Direction) {
    let (cursor, direction) = match (filter.after.as_deref().and_then(Cursor::decode), filter.before.as_deref().and_then(Cursor::decode)) {
        (Some(after), _) => (Some(after), Direction::Forward),
        (None, Some(before)) => (Some(before), Direction::Backward),
        (None, None) => (None, Direction::Forward),
    };
    let time = if filter.sort == IssueSort::Updated { issues::Column::UpdatedAt } else { issues::Column::CreatedAt };
    let mut keys = vec![Expr::col((issues::Entity, time)), Expr::col((issues::Entity, issues::Column::Id))];
    if filter.sort == IssueSort::Severity {
        keys.insert(0, rank_column());
    }
    let mut query = filtered(backend, actor, filter, query);
    if let Some(cursor) = cursor {
        let mut values = vec![Expr::val(cursor.at), Expr::val(cursor.id)];
        if filter.sort == IssueSort::Severity {
            values.insert(0, Expr::val(cursor.rank));
        }
        // A row comparison, so the database seeks into the index instead of counting past rows.
        let (left, right) = (Expr::tuple(keys.clone()), Expr::tuple(values));
        query = query.filter(if direction == Direction::Forward { left.lt(right) } else { left.gt(right) });
    }
    let order = if direction == Direction::Forward { Order::Desc } else { Order::Asc };
    for key in keys {
        query = query.order_by(key, order.clone());
    }
    let query = query
        .select_only()
        .columns([
            issues::Column::Id,
            issues::Column::Title,
            issues::Column::Severity,
            issues::Column::Status,
            issues::Column::ReporterId,
            issues::Column::AssigneeId,
            issues::Column::CreatedAt,
            issues::Column::UpdatedAt,
            issues::Column::Version,
        ])
        .column_as(users::Column::Handle, "reporter_handle")
        .column_as(users::Column::DisplayName, "reporter_name")
        .join(JoinType::InnerJoin, issues::Relation::Reporter.def())
        .limit(PAGE_SIZE + 1);
    (query, direction)
}

fn count_select(backend: DbBackend, actor: &CurrentUser, filter: &IssueFilter, query: &Query) -> Select<issues::Entity> {
    filtered(backend, actor, filter, query).select_only().column_as(Expr::cust("COUNT(*)"), "n")
}

/// The SQL for a page and for its total, as the list runs them; for reading query plans.
/// A query the search box would refuse is read as no query.
pub fn statements(backend: DbBackend, actor: &CurrentUser, filter: &IssueFilter) -> [Statement; 2] {
    let query = typed_query(filter).unwrap_or_default();
    let filter = resolved(filter, &query);
    [page_select(backend, actor, &filter, &query).0.build(backend), count_select(backend, actor, &filter, &query).build(backend)]
}

/// How many issues `actor` may see match `filter` (its page aside): a saved view's count.
pub async fn count(db: &impl ConnectionTrait, actor: &CurrentUser, filter: &IssueFilter) -> Result<u64, AppError> {
    let query = typed_query(filter)?;
    let total: i64 = count_select(db.get_database_backend(), actor, &resolved(filter, &query), &query).into_tuple().one(db).await?.unwrap_or(0);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// One page of the issues `actor` may see that match `filter`, in its order, with the total
/// and the cursors of the neighbouring pages. Two queries, plus one for the page's tags.
pub async fn list_issues(db: &impl ConnectionTrait, actor: &CurrentUser, filter: &IssueFilter) -> Result<IssuePage, AppError> {
    let backend = db.get_database_backend();
    let query = typed_query(filter)?;
    let filter = &resolved(filter, &query);
    let total: i64 = count_select(backend, actor, filter, &query).into_tuple().one(db).await?.unwrap_or(0);
    let (select, direction) = page_select(backend, actor, filter, &query);
    let mut rows = select.into_model::<SummaryRow>().all(db).await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    if direction == Direction::Backward {
        rows.reverse();
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = super::tagging::tags_of(db, &ids).await?;
    // Counted once the page is chosen: counted in the page's query, SQLite counted them for
    // every issue that matched before sorting whenever it sorted rather than read an index in
    // order (a search: 700 matches, 51 shown).
    let comments = crate::comments::service::live_counts(db, &ids).await?;
    let assignees = crate::people::service::by_ids(db, rows.iter().filter_map(|r| r.assignee_id)).await?;
    let items: Vec<IssueSummary> = rows
        .into_iter()
        .map(|row| IssueSummary {
            tags: tags.remove(&row.id).unwrap_or_default(),
            id: row.id,
            title: row.title,
            severity: row.severity,
            status: row.status,
            reporter: Person { id: row.reporter_id, handle: row.reporter_handle, display_name: row.reporter_name },
            assignee: row.assignee_id.and_then(|id| assignees.get(&id).cloned()),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
            comment_count: comments.get(&row.id).copied().unwrap_or(0),
        })
        .collect();
    let cursor = |issue: Option<&IssueSummary>| issue.map(|i| Cursor::of(filter.sort, i).encode());
    // Going forward, a previous page exists whenever we came from a cursor; going back, a
    // next page always exists (the cursor's row), and a previous one if the extra row came back.
    let (has_prev, has_next) = match direction {
        Direction::Forward => (filter.after.is_some() && !items.is_empty(), more),
        Direction::Backward => (more, !items.is_empty()),
    };
    let offset = match items.first() {
        Some(first) if has_prev => offset_of(db, actor, filter, &query, first).await?,
        _ => 0,
    };
    Ok(IssuePage {
        offset,
        next: if has_next { cursor(items.last()) } else { None },
        prev: if has_prev { cursor(items.first()) } else { None },
        items,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// Lists being read, shared by everyone who would see the same rows and asks meanwhile: pages
/// that hear of a change reload together, and one read serves them all instead of each reading
/// and counting again. Only a read still under way is joined, and only while no change has been
/// announced since it began (see [`crate::server::events::Events::generation`]): nothing is
/// kept once read, so a list is never older than the moment it was asked for.
#[derive(Clone, Default)]
pub struct SharedLists(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Shared>>>);

struct Shared {
    generation: u64,
    page: std::sync::Arc<tokio::sync::OnceCell<IssuePage>>,
}

impl SharedLists {
    /// [`list_issues`], joining a read of the same rows under way if nothing changed since it began.
    pub async fn list(&self, db: &impl ConnectionTrait, generation: u64, actor: &CurrentUser, filter: &IssueFilter) -> Result<IssuePage, AppError> {
        let key = audience(actor, filter)?;
        let page = {
            let mut shared = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match shared.get(&key) {
                Some(entry) if entry.generation == generation && !entry.page.initialized() => entry.page.clone(),
                _ => {
                    let page = std::sync::Arc::new(tokio::sync::OnceCell::new());
                    shared.insert(key.clone(), Shared { generation, page: page.clone() });
                    page
                }
            }
        };
        // A failed read is not shared: the next asker reads again.
        let read = page.get_or_try_init(|| list_issues(db, actor, filter)).await.cloned();
        // Read: nobody joins it any more, and it is not kept.
        let mut shared = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if shared.get(&key).is_some_and(|entry| std::sync::Arc::ptr_eq(&entry.page, &page)) {
            shared.remove(&key);
        }
        read
    }
}

/// Who sees the same rows for `filter` as `actor`: triagers all alike, a reporter alone (their
/// own issues), an admin apart for deleted issues, and the asker alone when the filter names "me".
fn audience(actor: &CurrentUser, filter: &IssueFilter) -> Result<String, AppError> {
    let query = typed_query(filter)?;
    let names_me = filter.assignee == Some(AssigneeFilter::Me) || query.keys.iter().any(|(_, key)| *key == Key::Assignee(AssigneeFilter::Me));
    let scope = match IssueScope::of(actor) {
        IssueScope::Every => "every".to_owned(),
        IssueScope::ReportedBy(id) => format!("own {id}"),
    };
    let deleted = filter.deleted && access::sees_deleted(actor);
    let me = if names_me { actor.id.to_string() } else { String::new() };
    Ok(format!("{scope}|{deleted}|{me}|{filter:?}"))
}

/// How many issues matching `filter` come before `first` in the list's order: where a page
/// that is not the first starts ("51-100 of 187"). Only asked for pages after the first.
async fn offset_of(db: &impl ConnectionTrait, actor: &CurrentUser, filter: &IssueFilter, query: &Query, first: &IssueSummary) -> Result<u64, AppError> {
    let backend = db.get_database_backend();
    let cursor = Cursor::of(filter.sort, first);
    let time = if filter.sort == IssueSort::Updated { issues::Column::UpdatedAt } else { issues::Column::CreatedAt };
    let mut keys = vec![Expr::col((issues::Entity, time)), Expr::col((issues::Entity, issues::Column::Id))];
    let mut values = vec![Expr::val(cursor.at), Expr::val(cursor.id)];
    if filter.sort == IssueSort::Severity {
        keys.insert(0, rank_column());
        values.insert(0, Expr::val(cursor.rank));
    }
    let before: i64 = count_select(backend, actor, filter, query).filter(Expr::tuple(keys).gt(Expr::tuple(values))).into_tuple().one(db).await?.unwrap_or(0);
    Ok(u64::try_from(before).unwrap_or(0))
}

/// The issues `actor` may see that changed after `since` (deleted ones included, flagged), oldest
/// change first, at most 500: what a client that was disconnected fetches to catch up.
pub async fn changed_since(db: &impl ConnectionTrait, actor: &CurrentUser, since: DateTime<Utc>) -> Result<Vec<super::model::ChangedIssue>, AppError> {
    // Deleted ones too: the client drops them from what it shows.
    let query = issues::Entity::find().filter(IssueScope::of(actor).condition()).filter(issues::Column::UpdatedAt.gt(since));
    let rows = query.order_by_asc(issues::Column::UpdatedAt).limit(500).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|i| super::model::ChangedIssue { issue_id: i.id, version: i.version, updated_at: i.updated_at, deleted: i.deleted_at.is_some() })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_words_must_all_appear() {
        assert_eq!(fts5_query("crash on save").as_deref(), Some(r#""crash" AND "on" AND "save""#));
    }

    #[test]
    fn quotes_or_and_minus_work_as_on_the_web() {
        assert_eq!(fts5_query(r#""stack overflow" or panic -windows"#).as_deref(), Some(r#""stack overflow" OR "panic" NOT "windows""#));
    }

    #[test]
    fn hostile_input_never_reaches_fts5_as_syntax() {
        // Each input's whole answer: every term quoted, operators only where the search had them
        // as words, and nothing at all when no word is left.
        let cases: [(&str, Option<&str>); 12] = [
            (r#"""#, None),
            (r#"a" OR "b"#, Some(r#""a" OR "b""#)),
            ("NEAR(a b)", Some(r#""NEAR a" AND "b""#)),
            ("title:x", Some(r#""title x""#)),
            ("*", None),
            ("^a", Some(r#""a""#)),
            ("%_", None),
            ("a AND", Some(r#""a" AND "AND""#)),
            ("(((", None),
            ("-", None),
            ("or or or", None),
            ("\u{0}", None),
        ];
        for (hostile, expected) in cases {
            assert_eq!(fts5_query(hostile).as_deref(), expected, "{hostile:?}");
        }
        assert_eq!(fts5_query("%_ -x"), None);
        assert_eq!(fts5_query(r#"unbalanced "quote here"#).as_deref(), Some(r#""unbalanced" AND "quote here""#));
    }

    #[test]
    fn a_cursor_survives_the_url_and_rejects_garbage() {
        let cursor = Cursor { rank: 3, at: DateTime::from_timestamp_nanos(1_764_140_000_123_456_789), id: 42 };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "1.2", "a.b.c", "1.2.3.4", "99999999.1.1"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    /// The phrases of an FTS5 query if it is exactly `"words" ((AND|OR) "words")* (NOT "words")*`,
    /// each word alphanumeric and the words of a phrase one space apart; what is wrong otherwise.
    fn phrases_of(query: &str) -> Result<Vec<&str>, String> {
        let mut phrases = Vec::new();
        let mut rest = query;
        let mut excluding = false;
        loop {
            let inner = rest.strip_prefix('"').ok_or_else(|| format!("no phrase at {rest:?}"))?;
            let end = inner.find('"').ok_or_else(|| format!("an unclosed phrase at {rest:?}"))?;
            let phrase = &inner[..end];
            if !phrase.split(' ').all(|word| !word.is_empty() && word.chars().all(char::is_alphanumeric)) {
                return Err(format!("{phrase:?} is not alphanumeric words one space apart"));
            }
            phrases.push(phrase);
            rest = &inner[end + 1..];
            if rest.is_empty() {
                return Ok(phrases);
            }
            rest = match (rest.strip_prefix(" NOT "), excluding) {
                (Some(after), _) => {
                    excluding = true;
                    after
                }
                (None, false) => rest.strip_prefix(" AND ").or_else(|| rest.strip_prefix(" OR ")).ok_or_else(|| format!("no operator at {rest:?}"))?,
                (None, true) => return Err(format!("a phrase must follow an exclusion with NOT, not {rest:?}")),
            };
        }
    }

    /// What people type into the search box, hostile or not: words in any script, quotes,
    /// operators of FTS5 and of the web, punctuation and stray characters; up to well past 64 terms.
    fn searches() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-zA-Z0-9éßж中]{1,6}",
            2 => prop::sample::select(vec!["\"", "-", "or", "OR", "Or", "AND", "NOT", "NEAR(", "*", "^", ":", "(", ")", "+", "'", "{", "}", "%", "_"]).prop_map(str::to_owned),
            3 => prop::sample::select(vec![" ", " ", "  ", "\t", "\n", "\u{3000}", "\u{a0}"]).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ];
        prop_oneof![4 => prop::collection::vec(piece, 0..300).prop_map(|pieces| pieces.concat()), 1 => any::<String>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_search_becomes_quoted_words_and_operators_only(search in searches()) {
            if let Some(query) = fts5_query(&search) {
                let phrases = phrases_of(&query).map_err(|e| TestCaseError::fail(format!("{e}: {search:?} gave {query:?}")))?;
                prop_assert!(phrases.len() <= 64, "{} terms from {:?}", phrases.len(), search);
                for word in phrases.iter().flat_map(|p| p.split(' ')) {
                    prop_assert!(search.contains(word), "{:?} is not in {:?}", word, search);
                }
            }
        }
    }
}
