//! The list from the keyboard, and many issues at once: `j`/`k` move a cursor through the rows
//! (the focus, on the row's title), Enter or `o` opens, `x` selects, Shift+`x` or Shift+click
//! selects a range, Ctrl-A the page, Esc clears; a bar then changes every selected issue.
use super::{
    api::BulkTriage,
    model::{BulkChange, BulkItem, IssuePage},
};
use crate::{
    domain::{Severity, Status},
    error::AppError,
    people::model::Person,
    tags::model::Tag,
};
use leptos::prelude::*;

/// The rows picked and the cursor, by issue id: they outlive a refresh of the rows (a live
/// update re-renders the table, and what was selected stays selected).
#[derive(Clone, Copy)]
pub struct Selection {
    picked: RwSignal<Vec<i64>>,
    cursor: RwSignal<Option<i64>>,
    /// Where a range selection starts: the last row picked by itself.
    anchor: RwSignal<Option<i64>>,
    /// The rows shown, as (id, version), in order: followed from the page by an effect, so the
    /// bar never reads the page's resource (which would hold its suspense on each refresh).
    shown: RwSignal<Vec<(i64, i64)>>,
}

impl Selection {
    pub fn new(page: Resource<Result<IssuePage, AppError>>) -> Selection {
        let shown = RwSignal::new(Vec::new());
        Effect::new(move |_| {
            if let Some(Ok(page)) = page.get() {
                shown.set(page.items.iter().map(|i| (i.id, i.version)).collect());
            }
        });
        Selection { picked: RwSignal::new(Vec::new()), cursor: RwSignal::new(None), anchor: RwSignal::new(None), shown }
    }

    fn rows(self) -> Vec<(i64, i64)> {
        self.shown.get_untracked()
    }

    pub fn is_picked(self, id: i64) -> bool {
        self.picked.with(|p| p.contains(&id))
    }

    pub fn at_cursor(self, id: i64) -> bool {
        self.cursor.get() == Some(id)
    }

    /// How many picked rows are on the page.
    pub fn count(self) -> usize {
        self.shown.with(|rows| self.picked.with(|p| p.iter().filter(|id| rows.iter().any(|(row, _)| row == *id)).count()))
    }

    /// Picks or drops row `id`; with `range`, picks every row from the anchor to it.
    pub fn toggle(self, id: i64, range: bool) {
        let anchor = self.anchor.get_untracked();
        if let (true, Some(anchor)) = (range, anchor) {
            let rows = self.rows();
            let at = |wanted: i64| rows.iter().position(|(id, _)| *id == wanted);
            if let (Some(from), Some(to)) = (at(anchor), at(id)) {
                let (from, to) = (from.min(to), from.max(to));
                self.picked.update(|picked| {
                    for (row, _) in &rows[from..=to] {
                        if !picked.contains(row) {
                            picked.push(*row);
                        }
                    }
                });
                return;
            }
        }
        self.picked.update(|picked| match picked.iter().position(|p| *p == id) {
            Some(at) => {
                picked.remove(at);
            }
            None => picked.push(id),
        });
        self.anchor.set(Some(id));
    }

    /// Picks every row on the page, or none when all already are.
    pub fn toggle_page(self) {
        let rows: Vec<i64> = self.rows().into_iter().map(|(id, _)| id).collect();
        let all = self.picked.with_untracked(|p| rows.iter().all(|id| p.contains(id)));
        self.picked.set(if all { Vec::new() } else { rows });
    }

    pub fn clear(self) {
        self.picked.set(Vec::new());
    }

    /// The picked rows on the page, with the versions shown, for a bulk change.
    fn items(self) -> Vec<BulkItem> {
        let picked = self.picked.get_untracked();
        self.rows().into_iter().filter(|(id, _)| picked.contains(id)).map(|(id, version)| BulkItem { id, version }).collect()
    }

    /// Moves the cursor `step` rows (from before the first row when there is none) and puts the
    /// focus on that row's title, which scrolls it into view and lets Enter open it.
    fn step(self, step: isize) {
        let rows = self.rows();
        if rows.is_empty() {
            return;
        }
        let at = self.cursor.get_untracked().and_then(|id| rows.iter().position(|(row, _)| *row == id));
        let next = match at {
            None if step > 0 => 0,
            None => rows.len() - 1,
            Some(at) => (at as isize + step).clamp(0, rows.len() as isize - 1) as usize,
        };
        let id = rows[next].0;
        self.cursor.set(Some(id));
        focus_title(id);
    }

    /// The list's shortcuts, while the page is open.
    pub fn shortcuts(self, can_triage: Signal<bool>) {
        let navigate = leptos_router::hooks::use_navigate();
        let listener = window_event_listener(leptos::ev::keydown, move |ev| {
            if crate::keys::typing_in_field(&ev) || ev.alt_key() {
                return;
            }
            let key = ev.key();
            if ev.ctrl_key() || ev.meta_key() {
                if key.eq_ignore_ascii_case("a") && can_triage.get_untracked() {
                    ev.prevent_default();
                    self.toggle_page();
                }
                return;
            }
            match key.as_str() {
                "j" => self.step(1),
                "k" => self.step(-1),
                "o" | "Enter" => match self.cursor.get_untracked() {
                    // Enter on the focused title opens it already.
                    Some(id) if key == "o" => navigate(&format!("/issues/{id}"), Default::default()),
                    _ => return,
                },
                "x" | "X" if can_triage.get_untracked() => match self.cursor.get_untracked() {
                    Some(id) => self.toggle(id, ev.shift_key()),
                    None => return,
                },
                "Escape" if self.picked.with_untracked(|p| !p.is_empty()) => self.clear(),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || listener.remove());
    }
}

impl Selection {
    /// Offers the command palette a status and a severity for every selected issue.
    pub fn offer_bulk(self, bulk: ServerAction<BulkTriage>, can_triage: Signal<bool>) {
        crate::palette::Offered::offer(move || {
            use crate::palette::Action;
            let count = self.count();
            if count == 0 || !can_triage.get() {
                return Vec::new();
            }
            let noun = if count == 1 { "issue" } else { "issues" };
            let apply = move |change: BulkChange| {
                Callback::new(move |()| {
                    bulk.dispatch(BulkTriage { change: change.clone(), items: self.items() });
                })
            };
            let moves = Status::ALL.iter().map(|status| Action { label: format!("Move {count} selected {noun} to {}", status.label()), run: apply(BulkChange::Status { status: *status }) });
            let severities = Severity::ALL.iter().map(|severity| Action { label: format!("Set severity of {count} selected {noun} to {}", severity.label()), run: apply(BulkChange::Severity { severity: *severity }) });
            moves.chain(severities).collect()
        });
    }
}

/// Puts the focus on the title of row `id`, if it is on screen.
fn focus_title(id: i64) {
    crate::keys::focus(&format!("tr[data-issue-id=\"{id}\"] a.title-link"));
}

/// A menu of the bar: a select whose choice applies at once, then shows its prompt again.
fn bar_select(label: &'static str, prompt: &'static str, options: Vec<(String, String)>, apply: impl Fn(String) + 'static) -> impl IntoView {
    let select = NodeRef::<leptos::html::Select>::new();
    view! {
        <select node_ref=select class="field-input w-auto py-1 text-sm" aria-label=label
            on:change=move |ev| {
                let value = event_target_value(&ev);
                if !value.is_empty() {
                    apply(value);
                }
                if let Some(select) = select.get_untracked() {
                    select.set_value("");
                }
            }>
            <option value="">{prompt}</option>
            {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
        </select>
    }
}

/// The bar over the list while issues are selected: status, severity, tags, assignee and (for
/// admins) delete, each applied to every selected issue; then what changed and what was refused.
#[component]
pub fn BulkBar(selection: Selection, bulk: ServerAction<BulkTriage>, tags: Vec<Tag>, people: Signal<Vec<Person>>, is_admin: bool) -> impl IntoView {
    let apply = move |change: BulkChange| {
        let items = selection.items();
        if !items.is_empty() {
            bulk.dispatch(BulkTriage { change, items });
        }
    };
    let statuses: Vec<(String, String)> = Status::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
    let severities: Vec<(String, String)> = Severity::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
    let tag_options: Vec<(String, String)> = tags.iter().map(|t| (t.id.to_string(), t.name.clone())).collect();
    let options = StoredValue::new((statuses, severities, tag_options));
    let owners = move || -> Vec<(String, String)> {
        let people = people.get();
        std::iter::once(("-".to_owned(), "Nobody".to_owned())).chain(people.iter().map(|p| (p.handle.clone(), format!("{} (@{})", p.display_name, p.handle)))).collect()
    };
    let outcome = move || bulk.value().get();
    // What changed leaves the selection; what was refused stays, to try again.
    Effect::new(move |_| {
        if let Some(Ok(done)) = bulk.value().get() {
            selection.picked.update(|picked| picked.retain(|id| done.refused.iter().any(|r| r.id == *id)));
        }
    });
    view! {
        <Show when=move || selection.count() != 0 || outcome().is_some()>
            <div role="region" aria-label="Selected issues" data-testid="bulk-bar"
                class="sticky top-0 z-10 my-2 flex flex-wrap items-center gap-2 rounded border border-indigo-300 bg-indigo-50 px-3 py-2 text-sm dark:border-indigo-800 dark:bg-indigo-950">
                <Show when=move || selection.count() != 0>
                    <span class="font-medium" data-testid="bulk-count">{move || format!("{} selected", selection.count())}</span>
                    {move || {
                        let (statuses, severities, tag_options) = options.get_value();
                        view! {
                            {bar_select("Set status of the selected issues", "Status…", statuses, move |v| if let Ok(status) = v.parse() { apply(BulkChange::Status { status }) })}
                            {bar_select("Set severity of the selected issues", "Severity…", severities, move |v| if let Ok(severity) = v.parse() { apply(BulkChange::Severity { severity }) })}
                            {bar_select("Add a tag to the selected issues", "Add tag…", tag_options.clone(), move |v| if let Ok(tag_id) = v.parse() { apply(BulkChange::AddTag { tag_id }) })}
                            {bar_select("Remove a tag from the selected issues", "Remove tag…", tag_options, move |v| if let Ok(tag_id) = v.parse() { apply(BulkChange::RemoveTag { tag_id }) })}
                        }
                    }}
                    {move || bar_select("Assign the selected issues", "Assign…", owners(), move |v| apply(BulkChange::Assign { assignee: (v != "-").then_some(v) }))}
                    {is_admin.then(|| view! {
                        <button type="button" class="btn-secondary py-1 text-red-700 dark:text-red-300" on:click=move |_| {
                            let count = selection.count();
                            // Deleted issues can be restored, but many at once deserve a second look.
                            let sure = window().confirm_with_message(&format!("Delete {count} issue{}? Admins can restore them from the deleted issues.", if count == 1 { "" } else { "s" })).unwrap_or(false);
                            if sure {
                                apply(BulkChange::Delete);
                            }
                        }>"Delete"</button>
                    })}
                    <button type="button" class="btn-secondary py-1" on:click=move |_| selection.clear()>"Clear selection"</button>
                    <Show when=move || bulk.pending().get()>
                        <span role="status" class="text-slate-500">"Applying…"</span>
                    </Show>
                </Show>
                {move || outcome().map(|result| match result {
                    Ok(done) => view! {
                        <div role="status" data-testid="bulk-outcome" class="basis-full">
                            <p>{done.summary()}</p>
                            <ul class="list-disc pl-5">
                                {done.refused.iter().map(|r| view! { <li>{format!("#{}: {}", r.id, r.reason)}</li> }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <p role="alert" class="basis-full text-red-700 dark:text-red-300">{err.to_string()}</p> }.into_any(),
                })}
            </div>
        </Show>
    }
}
