//! Pieces of the issue pages: badges, the list's filters, rows and pages.
use super::{
    api::{RestoreIssue, TransitionIssue},
    model::{AssigneeFilter, Control, IssueFilter, IssuePage, IssueSort, IssueSummary, PAGE_SIZE},
    selection::Selection,
    triage::RowTransitionMenu,
};
use crate::{
    domain::{Severity, Status},
    menu::Menu,
    tags::{components::TagChip, model::Tag},
};
use leptos::prelude::*;

pub use super::badges::{SeverityBadge, StatusBadge};
pub use crate::time::Timestamp;

/// The list's address for `filter` changed by `change`, from its first page: the whole view in
/// `q`, so the search box shows what a control chose.
fn list_href(filter: &IssueFilter, change: impl FnOnce(&mut IssueFilter)) -> String {
    let mut next = filter.first_page();
    change(&mut next);
    format!("/issues{}", next.link_from(filter))
}

/// One choice of a filter menu: a link, marked current when it is the view shown.
fn choice(href: String, current: bool, label: String) -> impl IntoView {
    view! {
        <a href=href role="menuitemradio" aria-checked=current.to_string() class="menu-item block">
            <span aria-hidden="true" class="inline-block w-4">{if current { "✓" } else { "" }}</span>
            {label}
        </a>
    }
}

/// What the status menu offers, with each entry's label and the filter it shows.
fn status_choices(current: &IssueFilter, is_admin: bool) -> Vec<(String, bool, String)> {
    let mut entries = vec![
        (list_href(current, |f| (f.open, f.status, f.deleted) = (true, None, false)), current.open && current.status.is_none() && !current.deleted, "Open (not done)".to_owned()),
        (list_href(current, |f| (f.open, f.status, f.deleted) = (false, None, false)), !current.open && current.status.is_none() && !current.deleted, "Any status".to_owned()),
    ];
    for status in Status::ALL {
        let chosen = current.status == Some(*status) && !current.deleted;
        entries.push((list_href(current, |f| (f.open, f.status, f.deleted) = (false, Some(*status), false)), chosen, status.label().to_owned()));
    }
    if is_admin {
        entries.push((list_href(current, |f| (f.open, f.status, f.deleted) = (false, None, true)), current.deleted, "Deleted issues".to_owned()));
    }
    entries
}

/// What the assignee menu offers: anyone, nobody, and (for those who can be assigned) the viewer.
fn assignee_choices(current: &IssueFilter, can_be_assigned: bool) -> Vec<(String, bool, String)> {
    let mut wanted = vec![None, Some(AssigneeFilter::Nobody)];
    if can_be_assigned {
        wanted.insert(1, Some(AssigneeFilter::Me));
    }
    if matches!(current.assignee, Some(AssigneeFilter::Handle(_))) {
        wanted.push(current.assignee.clone());
    }
    wanted
        .into_iter()
        .map(|assignee| {
            let label = match &assignee {
                None => "Anyone or nobody".to_owned(),
                Some(_) => assignee_words(&IssueFilter { assignee: assignee.clone(), ..IssueFilter::default() }).unwrap_or_default(),
            };
            (list_href(current, |f| f.assignee = assignee.clone()), current.assignee == assignee, label)
        })
        .collect()
}

/// The assignee part of a filter, in words; `None` when it has none.
fn assignee_words(filter: &IssueFilter) -> Option<String> {
    Some(match filter.assignee.as_ref()? {
        AssigneeFilter::Me => "Me".to_owned(),
        AssigneeFilter::Nobody => "Nobody".to_owned(),
        AssigneeFilter::Handle(handle) => format!("@{handle}"),
    })
}

/// The status part of a filter, in words; `None` when it has none.
fn status_words(filter: &IssueFilter) -> Option<String> {
    match (filter.deleted, filter.open, filter.status) {
        (true, ..) => Some("Deleted".to_owned()),
        (_, _, Some(status)) => Some(status.label().to_owned()),
        (_, true, None) => Some("Open".to_owned()),
        _ => None,
    }
}

/// The filters: a search box, then status, severity, tag and order as menus of links (so each
/// view is a URL that can be shared and the back button restores). The menus show what the box
/// says as it is typed, and choosing in one rewrites the box's query. On a phone the menus fold
/// behind one button.
#[component]
pub fn FilterBar(typed: SearchText, tags: Vec<Tag>, show_reporter: bool, is_admin: bool) -> impl IntoView {
    let filter = typed.shown;
    let tags = StoredValue::new(tags);
    let unfolded = RwSignal::new(false);
    let narrowing = move || {
        let f = filter.get();
        let typed = |control| !f.typed_keys(control).is_empty();
        [
            f.open || f.status.is_some() || f.deleted || typed(Control::Status),
            f.severity.is_some() || typed(Control::Severity),
            f.tag.is_some() || typed(Control::Tag),
            f.reporter.is_some() || typed(Control::Reporter),
            f.assignee.is_some() || typed(Control::Assignee),
            f.sort != IssueSort::Newest,
        ]
        .iter()
        .filter(|on| **on)
        .count()
    };
    // A menu's label: its choice, else the keys of its kind left in the query, else "Any".
    let label = move |name: &'static str, control: Control, chosen: fn(&IssueFilter) -> Option<String>| {
        move || {
            let f = filter.get();
            let words = chosen(&f).unwrap_or_else(|| match f.typed_keys(control) {
                keys if keys.is_empty() => "Any".to_owned(),
                keys => keys.join(", "),
            });
            format!("{name}: {words}")
        }
    };
    view! {
        <div class="my-4 flex flex-col gap-2" data-testid="filters">
            <div class="flex flex-wrap items-center gap-2">
                <SearchForm typed tags/>
                <button type="button" class="menu-button sm:hidden" aria-expanded=move || unfolded.get().to_string() aria-controls="filter-menus"
                    on:click=move |_| unfolded.update(|u| *u = !*u)>
                    {move || match narrowing() { 0 => "Filters".to_owned(), n => format!("Filters ({n})") }}
                </button>
            </div>
            <nav id="filter-menus" aria-label="Filters" class=move || if unfolded.get() { "flex flex-wrap items-center gap-2" } else { "hidden flex-wrap items-center gap-2 sm:flex" }>
                <Menu label=Signal::derive(label("Status", Control::Status, status_words)) test_id="filter-status">
                    {move || status_choices(&filter.get(), is_admin).into_iter().map(|(href, current, label)| choice(href, current, label)).collect_view()}
                </Menu>
                <Menu label=Signal::derive(label("Severity", Control::Severity, |f| f.severity.map(|s| s.label().to_owned()))) test_id="filter-severity">
                    {move || {
                        let current = filter.get();
                        std::iter::once(None).chain(Severity::ALL.iter().copied().map(Some)).map(|severity| {
                            let href = list_href(&current, |f| f.severity = severity);
                            choice(href, current.severity == severity, severity.map_or("Any severity", Severity::label).to_owned())
                        }).collect_view()
                    }}
                </Menu>
                <Menu label=Signal::derive(label("Tag", Control::Tag, |f| f.tag.clone())) test_id="filter-tag">
                    <TagChoices filter tags=tags.get_value()/>
                </Menu>
                <Menu label=Signal::derive(label("Assignee", Control::Assignee, assignee_words)) test_id="filter-assignee">
                    {move || assignee_choices(&filter.get(), show_reporter).into_iter().map(|(href, current, label)| choice(href, current, label)).collect_view()}
                </Menu>
                {show_reporter.then(|| view! {
                    <Show when=move || filter.with(|f| f.reporter.is_some() || !f.typed_keys(Control::Reporter).is_empty())>
                        <span class="chip chip-gray items-center text-sm" data-testid="filter-reporter">
                            {label("Reporter", Control::Reporter, |f| f.reporter.as_ref().map(|r| format!("@{r}")))}
                            <a href=move || list_href(&filter.get(), |f| f.reporter = None) class="ml-1 underline" aria-label="Any reporter">"×"</a>
                        </span>
                    </Show>
                })}
                <Menu label=Signal::derive(move || format!("Sort: {}", filter.get().sort.label())) test_id="filter-sort">
                    {move || {
                        let current = filter.get();
                        IssueSort::ALL.iter().map(|sort| choice(list_href(&current, |f| f.sort = *sort), current.sort == *sort, sort.label().to_owned())).collect_view()
                    }}
                </Menu>
                <Show when=move || { narrowing() != 0 || filter.with(|f| f.q.is_some()) }>
                    <a href="/issues" class="text-sm text-indigo-600 underline dark:text-indigo-400">"Clear filters"</a>
                </Show>
            </nav>
        </div>
    }
}

/// The tag menu's body: a box that narrows the list of tags, then the tags as links.
#[component]
fn TagChoices(filter: Memo<IssueFilter>, tags: Vec<Tag>) -> impl IntoView {
    let needle = RwSignal::new(String::new());
    let tags = StoredValue::new(tags);
    view! {
        <input type="search" class="field-input mb-2 w-full" placeholder="Filter tags" aria-label="Filter tags" autofocus
            prop:value=move || needle.get() on:input=move |ev| needle.set(event_target_value(&ev))/>
        {move || {
            let current = filter.get();
            let wanted = needle.get().to_lowercase();
            let any = choice(list_href(&current, |f| f.tag = None), current.tag.is_none(), "Any tag".to_owned());
            let matching = tags.with_value(|tags| tags.iter().filter(|t| t.name.to_lowercase().contains(&wanted)).cloned().collect::<Vec<_>>());
            let rows = matching.into_iter().map(|tag| {
                let chosen = current.tag.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(&tag.name));
                let href = list_href(&current, |f| f.tag = Some(tag.name.clone()));
                view! {
                    <a href=href role="menuitemradio" aria-checked=chosen.to_string() class="menu-item block">
                        <span aria-hidden="true" class="inline-block w-4">{if chosen { "✓" } else { "" }}</span>
                        <TagChip tag/>
                    </a>
                }
            }).collect_view();
            view! { {any} {rows} }
        }}
    }
}

/// What is typed in the search box, and the filter its controls show. Owned by the page, so a
/// filter bar built again (after a role change) shows the same text.
#[derive(Clone, Copy)]
pub struct SearchText {
    q: RwSignal<String>,
    /// The view as the menus show it: what is typed while it reads, else the list's address.
    pub shown: Memo<IssueFilter>,
    deleted: Memo<bool>,
}

impl SearchText {
    /// The box's text, following the view: a new view (a menu, the back button) shows its whole
    /// query, and nothing else touches what is typed.
    pub fn new(filter: Memo<IssueFilter>) -> Self {
        let q = RwSignal::new(filter.with_untracked(IssueFilter::as_query).unwrap_or_default());
        Effect::new(move |_| q.set(filter.with(IssueFilter::as_query).unwrap_or_default()));
        let deleted = Memo::new(move |_| filter.with(|f| f.deleted));
        let shown = Memo::new(move |_| {
            let typed = IssueFilter { q: q.with(|q| super::model::clean_search(q)), deleted: deleted.get(), ..IssueFilter::default() };
            typed.normalized().or_else(|| filter.with(IssueFilter::normalized)).unwrap_or_else(|| filter.get())
        });
        SearchText { q, shown, deleted }
    }
}

/// The search box, with suggestions of keys and values as a query is typed. Submitting
/// navigates to the view's address, the whole query in `q`; before the WASM loads it is a plain
/// GET form that reaches the same view.
#[component]
fn SearchForm(typed: SearchText, tags: StoredValue<Vec<Tag>>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let q = typed.q;
    let input = NodeRef::<leptos::html::Input>::new();
    let picker = super::suggest_box::QueryPicker::new(q, input, tags);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        picker.close();
        let next = IssueFilter { q: super::model::clean_search(&q.get_untracked()), deleted: typed.deleted.get_untracked(), ..IssueFilter::default() };
        navigate(&format!("/issues{}", next.to_query()), Default::default());
    };
    view! {
        <form method="GET" action="/issues" role="search" class="flex min-w-0 flex-1 flex-wrap items-center gap-2" on:submit=submit>
            {move || typed.deleted.get().then(|| view! { <input type="hidden" name="deleted" value="1"/> })}
            <div class="relative min-w-0 flex-1 basis-48">
                <input type="search" name="q" node_ref=input aria-label="Search issues" placeholder="Search, or filter: is:open severity:>=high tag:ui"
                    maxlength=super::model::SEARCH_MAX_CHARS class="field-input w-full" autocomplete="off"
                    role="combobox" aria-autocomplete="list" aria-controls=picker.list_id() aria-expanded=move || picker.expanded().to_string()
                    aria-activedescendant=move || picker.active_option()
                    value=q.get_untracked() prop:value=move || q.get()
                    on:input=move |ev| {
                        q.set(event_target_value(&ev));
                        picker.follow();
                    }
                    on:keydown=move |ev| picker.key(&ev)
                    on:keyup=move |ev| if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End") { picker.follow() }
                    on:click=move |_| picker.follow()
                    on:blur=move |_| picker.close()/>
                <super::suggest_box::QueryList picker/>
            </div>
            <button type="submit" class="btn-secondary">"Search"</button>
        </form>
    }
}

/// What the list says when nothing is there, and what to do about it.
#[component]
fn EmptyState(narrowed: bool, can_triage: bool) -> impl IntoView {
    let body = if narrowed {
        view! {
            <p class="text-lg font-medium">"No issues match these filters."</p>
            <a href="/issues" class="mt-4 inline-block text-indigo-600 underline dark:text-indigo-400">"Clear filters"</a>
        }
        .into_any()
    } else if can_triage {
        view! {
            <p class="text-lg font-medium">"No issues yet."</p>
            <p class="mt-1 text-slate-500 dark:text-slate-400">"Issues appear here as soon as anyone files one."</p>
            <a href="/issues/new" class="btn-primary mt-4 inline-block">"File an issue"</a>
        }
        .into_any()
    } else {
        view! {
            <p class="text-lg font-medium">"You have not filed any issues yet."</p>
            <p class="mt-1 text-slate-500 dark:text-slate-400">"Found a bug or want something changed? Tell the team, and follow it here."</p>
            <a href="/issues/new" class="btn-primary mt-4 inline-block">"File your first issue"</a>
        }
        .into_any()
    };
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700" data-testid="empty-state">{body}</div>
    }
}

/// What the last column of a row offers: triage for live issues, restore for deleted ones.
#[derive(Clone, Copy)]
pub enum RowAction {
    Transition(ServerAction<TransitionIssue>),
    Restore(ServerAction<RestoreIssue>),
}

fn issue_row(issue: IssueSummary, filter: &IssueFilter, action: Option<RowAction>, selection: Option<Selection>) -> impl IntoView {
    let (id, status, version) = (issue.id, issue.status, issue.version);
    let reporter_href = list_href(filter, |f| f.reporter = Some(issue.reporter.handle.clone()));
    let reporter_title = format!("Show issues filed by @{}", issue.reporter.handle);
    let assignee = issue.assignee.map(|person| view! { <crate::people::components::Avatar person/> });
    let tags = issue
        .tags
        .into_iter()
        .map(|tag| {
            let href = list_href(filter, |f| f.tag = Some(tag.name.clone()));
            view! { <TagChip tag href/> }
        })
        .collect_view();
    let comments = match issue.comment_count {
        0 => None,
        n => {
            let noun = if n == 1 { "comment" } else { "comments" };
            Some(view! {
                <span class="comment-count inline-flex items-center gap-1" title=format!("{n} {noun}")>
                    <CommentIcon/>{n}<span class="sr-only">" "{noun}</span>
                </span>
            })
        }
    };
    view! {
        <tr data-issue-id=id class=("row-cursor", move || selection.is_some_and(|s| s.at_cursor(id))) class=("row-picked", move || selection.is_some_and(|s| s.is_picked(id)))>
            {selection.map(|selection| view! {
                <td class="cell-pick">
                    <input type="checkbox" aria-label=format!("Select #{id}") prop:checked=move || selection.is_picked(id)
                        on:click=move |ev| selection.toggle(id, ev.shift_key())/>
                </td>
            })}
            <td class="cell-id muted">"#"{id}</td>
            <td class="cell-title">
                <a href=format!("/issues/{id}") class="title-link">{issue.title}</a>
                <span class="ml-2 inline-flex flex-wrap gap-1 align-middle">{tags}</span>
            </td>
            <td class="cell-severity"><SeverityBadge severity=issue.severity/></td>
            <td class="cell-status"><StatusBadge status=issue.status/></td>
            <td class="cell-reporter muted">
                <a href=reporter_href class="block truncate hover:underline" title=reporter_title>{issue.reporter.display_name}</a>
            </td>
            <td class="cell-assignee">{assignee}</td>
            <td class="cell-comments muted">{comments}</td>
            <td class="cell-updated muted"><span class="sm:hidden">"updated "</span><Timestamp at=issue.updated_at/></td>
            {action.map(|action| match action {
                RowAction::Transition(action) => view! { <td class="cell-action"><RowTransitionMenu issue_id=id status version action/></td> }.into_any(),
                RowAction::Restore(action) => view! {
                    <td class="cell-action">
                        <ActionForm action>
                            <input type="hidden" name="issue_id" value=id/>
                            <button type="submit" class="row-menu-button">"Restore"</button>
                        </ActionForm>
                    </td>
                }.into_any(),
            })}
        </tr>
    }
}

/// "51-100 of 187", and links to the neighbouring pages; both links always hold their place.
#[component]
fn Pager(filter: IssueFilter, page_len: usize, offset: u64, total: u64, prev: Option<String>, next: Option<String>) -> impl IntoView {
    let link = |before: Option<String>, after: Option<String>| {
        let target = IssueFilter { before, after, ..filter.first_page() };
        format!("/issues{}", target.to_query())
    };
    let range = format!("{}–{} of {}", offset + 1, offset + page_len as u64, total);
    let paged = prev.is_some() || next.is_some();
    view! {
        <nav aria-label="Pages" class="mt-4 flex items-center gap-3 text-sm">
            <span class="text-slate-500 dark:text-slate-400" data-testid="page-range">{range}</span>
            {paged.then(|| view! {
                <span class="ml-auto flex gap-2">
                    {match prev {
                        Some(cursor) => view! { <a href=link(Some(cursor), None) rel="prev" class="btn-secondary">"← Previous"</a> }.into_any(),
                        None => view! { <span class="btn-secondary opacity-40" aria-disabled="true">"← Previous"</span> }.into_any(),
                    }}
                    {match next {
                        Some(cursor) => view! { <a href=link(None, Some(cursor)) rel="next" class="btn-secondary">"Next →"</a> }.into_any(),
                        None => view! { <span class="btn-secondary opacity-40" aria-disabled="true">"Next →"</span> }.into_any(),
                    }}
                </span>
            })}
        </nav>
    }
}

/// The matching issues with their count, or the empty state. A table on wide screens, cards on
/// narrow ones (style/main.css), with fixed column widths so pages do not shift.
#[component]
pub fn IssueTable(page: IssuePage, filter: IssueFilter, action: Option<RowAction>, can_triage: bool, #[prop(default = None)] selection: Option<Selection>) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <EmptyState narrowed=filter.narrows() can_triage/> }.into_any();
    }
    let count = match page.total {
        1 => "1 issue".to_owned(),
        n => format!("{n} issues"),
    };
    let page_len = page.items.len().min(PAGE_SIZE as usize);
    view! {
        <p class="sr-only" data-testid="issue-count">{count}</p>
        <table class="issue-table w-full text-left text-sm">
            <colgroup>
                {selection.map(|_| view! { <col class="w-8"/> })}
                <col class="w-16"/>
                <col/>
                <col class="w-24"/>
                <col class="w-28"/>
                <col class="w-44"/>
                <col class="w-12"/>
                <col class="w-14"/>
                <col class="w-28"/>
                {action.map(|_| view! { <col class="w-36"/> })}
            </colgroup>
            <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                <tr>
                    {selection.map(|selection| view! {
                        <th scope="col" class="cell-pick">
                            <input type="checkbox" aria-label="Select every issue on this page" title="Select the page (Ctrl-A)"
                                prop:checked=move || selection.count() == page_len on:change=move |_| selection.toggle_page()/>
                        </th>
                    })}
                    <th scope="col">"#"</th>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Severity"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Reporter"</th>
                    <th scope="col"><span class="sr-only">"Assignee"</span></th>
                    <th scope="col"><CommentIcon/><span class="sr-only">"Comments"</span></th>
                    <th scope="col">"Updated"</th>
                    {action.map(|action| {
                        let heading = if matches!(action, RowAction::Restore(_)) { "Restore" } else { "Triage" };
                        view! { <th scope="col">{heading}</th> }
                    })}
                </tr>
            </thead>
            <tbody>{page.items.into_iter().map(|issue| issue_row(issue, &filter, action, selection)).collect_view()}</tbody>
        </table>
        <Pager filter=filter.clone() page_len offset=page.offset total=page.total prev=page.prev next=page.next/>
        {selection.map(|_| view! {
            <p class="mt-2 hidden text-xs text-slate-500 sm:block dark:text-slate-400" data-testid="list-keys">
                <kbd class="kbd">"j"</kbd>" / "<kbd class="kbd">"k"</kbd>" move · "<kbd class="kbd">"o"</kbd>" open · "
                <kbd class="kbd">"x"</kbd>" select (Shift for a range) · "<kbd class="kbd">"Ctrl"</kbd>"+"<kbd class="kbd">"A"</kbd>" the page · "
                <kbd class="kbd">"Esc"</kbd>" clear"
            </p>
        })}
    }
    .into_any()
}

/// A speech bubble, drawn in the text's colour (no emoji font needed).
#[component]
fn CommentIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 16 16" class="inline h-3.5 w-3.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round">
            <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z"/>
        </svg>
    }
}
