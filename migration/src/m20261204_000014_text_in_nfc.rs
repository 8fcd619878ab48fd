//! Text stored before the server normalized it is brought to normalization form C, as new
//! text is: issue titles and descriptions, comment bodies, display names and tag names. Search
//! indexes follow (the SQLite triggers and the PostgreSQL generated column see the updates).
//!
//! Two tags whose names differ only in normalization would then be one name. Those are left as
//! they are, each pair is logged as a warning, and [`colliding_tags`] lists them, so an admin
//! can rename or merge them; nothing is merged behind anyone's back.
//!
//! Normalizing cannot be undone (nobody wants the old bytes back), so `down` does nothing.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult};
use std::collections::HashMap;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000014_text_in_nfc"
    }
}

/// Rows read per batch, so a large table is never held in memory at once.
const BATCH: u64 = 500;

fn nfc(text: &str) -> Option<String> {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => None,
        _ => Some(text.nfc().collect::<String>()).filter(|normal| normal != text),
    }
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    text: String,
}

/// Rewrites `column` of `table` in NFC, batch by batch in id order, touching changed rows only.
async fn normalize_column(db: &impl ConnectionTrait, table: &str, column: &str) -> Result<u64, DbErr> {
    let (table, column) = (Alias::new(table), Alias::new(column));
    let backend = db.get_database_backend();
    let mut after = 0_i64;
    let mut changed = 0;
    loop {
        let select = Query::select()
            .column(Alias::new("id"))
            .expr_as(Expr::col(column.clone()), Alias::new("text"))
            .from(table.clone())
            .and_where(Expr::col(Alias::new("id")).gt(after))
            .order_by(Alias::new("id"), Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = Row::find_by_statement(backend.build(&select)).all(db).await?;
        let Some(last) = rows.last() else { return Ok(changed) };
        after = last.id;
        for row in rows {
            if let Some(normal) = nfc(&row.text) {
                let update = Query::update()
                    .table(table.clone())
                    .value(column.clone(), normal)
                    .and_where(Expr::col(Alias::new("id")).eq(row.id))
                    .to_owned();
                db.execute(&update).await?;
                changed += 1;
            }
        }
    }
}

/// Two tags whose names are one name in NFC: the tag whose name is not yet NFC and the tag
/// that already holds the name it would become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCollision {
    pub id: i64,
    pub name: String,
    pub other_id: i64,
    pub other_name: String,
}

#[derive(FromQueryResult)]
struct TagRow {
    id: i64,
    name: String,
    name_key: String,
}

/// Every tag whose name, in NFC, is (letter case aside) another tag's name.
pub async fn colliding_tags(db: &impl ConnectionTrait) -> Result<Vec<TagCollision>, DbErr> {
    Ok(plan_tags(db).await?.1)
}

/// The tags to rewrite (id, name, key) and the ones that would collide.
async fn plan_tags(db: &impl ConnectionTrait) -> Result<(Vec<(i64, String, String)>, Vec<TagCollision>), DbErr> {
    let select = Query::select()
        .columns([Alias::new("id"), Alias::new("name"), Alias::new("name_key")])
        .from(Alias::new("tags"))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    // Tag lists are short (a team keeps dozens), so they are read at once.
    let tags = TagRow::find_by_statement(db.get_database_backend().build(&select)).all(db).await?;
    let mut holder: HashMap<String, (i64, String)> = tags.iter().map(|t| (t.name_key.clone(), (t.id, t.name.clone()))).collect();
    let (mut rewrites, mut collisions) = (Vec::new(), Vec::new());
    for tag in &tags {
        let Some(name) = nfc(&tag.name) else { continue };
        let key = name.to_lowercase();
        match holder.get(&key) {
            Some((other_id, other_name)) if *other_id != tag.id => {
                collisions.push(TagCollision { id: tag.id, name: tag.name.clone(), other_id: *other_id, other_name: other_name.clone() });
            }
            _ => {
                holder.remove(&tag.name_key);
                holder.insert(key.clone(), (tag.id, name.clone()));
                rewrites.push((tag.id, name, key));
            }
        }
    }
    Ok((rewrites, collisions))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, column) in [("issues", "title"), ("issues", "description"), ("comments", "body"), ("users", "display_name")] {
            let changed = normalize_column(db, table, column).await?;
            if changed > 0 {
                tracing::info!(table, column, rows = changed, "text normalized to NFC");
            }
        }
        let (rewrites, collisions) = plan_tags(db).await?;
        for (id, name, key) in rewrites {
            let update = Query::update()
                .table(Alias::new("tags"))
                .values([(Alias::new("name"), name.into()), (Alias::new("name_key"), key.into())])
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        for c in collisions {
            tracing::warn!(
                tag = c.id,
                name = %c.name,
                same_as_tag = c.other_id,
                same_as_name = %c.other_name,
                "two tags differ only in Unicode normalization; the first was left as it is: rename or merge one of them"
            );
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
