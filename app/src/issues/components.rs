//! Pieces of the issue pages.
use super::{
    api::{ChangeSeverity, ChangeStatus, RestoreIssue},
    model::{IssueFilter, IssuePage, IssueSummary},
};
use crate::{
    domain::{Severity, Status},
    tags::{components::TagChip, model::Tag},
};
use leptos::prelude::*;
use leptos_router::components::Form;

/// A severity as a coloured label.
#[component]
pub fn SeverityBadge(severity: Severity) -> impl IntoView {
    // The colours are named in style/main.css.
    let class = match severity {
        Severity::Low => "badge badge-low",
        Severity::Medium => "badge badge-medium",
        Severity::High => "badge badge-high",
        Severity::Critical => "badge badge-critical",
    };
    view! {
        <span class=class>
            {severity.label()}
        </span>
    }
}

/// A workflow status as a label.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    // The colours are named in style/main.css.
    let class = match status {
        Status::Open => "pill pill-open",
        Status::Triaged => "pill pill-triaged",
        Status::InProgress => "pill pill-in-progress",
        Status::Done => "pill pill-done",
    };
    view! {
        <span class=class>
            {status.label()}
        </span>
    }
}

/// The triage control for severity.
#[component]
pub fn SetSeverity(issue_id: i64, severity: Severity, version: i64, action: ServerAction<ChangeSeverity>) -> impl IntoView {
    view! {
        <ActionForm action attr:class="flex items-center gap-1">
            <input type="hidden" name="issue_id" value=issue_id/>
            <input type="hidden" name="version" value=version/>
            <select name="severity" aria-label=format!("Severity of issue #{issue_id}") class="mini-select">
                {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == severity>{s.label()}</option> }).collect_view()}
            </select>
            <button type="submit" class="link-button">"Set severity"</button>
        </ActionForm>
    }
}

/// A link that narrows the list, marked current when its filter is the one shown.
#[component]
fn FilterChip(href: String, active: bool, label: &'static str) -> impl IntoView {
    view! {
        <a
            href=href
            aria-current=active.then_some("true")
            class="rounded-full border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800 aria-[current=true]:border-indigo-600 aria-[current=true]:bg-indigo-600 aria-[current=true]:text-white"
        >
            {label}
        </a>
    }
}

/// The filters and sort orders, as links, so they work before the WASM loads and land in the URL.
#[component]
pub fn FilterBar(filter: Memo<IssueFilter>, tags: Vec<Tag>, show_reporter: bool) -> impl IntoView {
    let link = move |change: &dyn Fn(&mut IssueFilter)| {
        let mut next = filter.get().first_page();
        change(&mut next);
        format!("/issues{}", next.to_query())
    };
    view! {
        <nav aria-label="Filters" class="my-4 flex flex-col gap-3">
            {move || {
                let current = filter.get();
                let severity_chips = std::iter::once(None)
                    .chain(Severity::ALL.iter().copied().map(Some))
                    .map(|severity| {
                        let href = link(&|f| f.severity = severity);
                        let label = severity.map_or("Any severity", Severity::label);
                        view! { <FilterChip href active=current.severity == severity label/> }
                    })
                    .collect_view();
                let status_chips = std::iter::once(None)
                    .chain(Status::ALL.iter().copied().map(Some))
                    .map(|status| {
                        let href = link(&|f| f.status = status);
                        let label = status.map_or("Any status", Status::label);
                        view! { <FilterChip href active=current.status == status label/> }
                    })
                    .collect_view();
                let sort_chips = super::model::IssueSort::ALL
                    .iter()
                    .map(|sort| {
                        let href = link(&|f| f.sort = *sort);
                        view! { <FilterChip href active=current.sort == *sort label=sort.label()/> }
                    })
                    .collect_view();
                let cleared = |clear: &dyn Fn(&mut IssueFilter)| link(clear);
                let active = [
                    current.q.clone().map(|q| (format!("Search: {q}"), cleared(&|f| f.q = None))),
                    current.tag.clone().map(|t| (format!("Tag: {t}"), cleared(&|f| f.tag = None))),
                    current.reporter.clone().map(|r| (format!("Reporter: {r}"), cleared(&|f| f.reporter = None))),
                ]
                .into_iter()
                .flatten()
                .map(|(label, href)| {
                    let remove = format!("Remove filter {label}");
                    view! {
                        <a href=href class="rounded-full bg-indigo-50 px-3 py-1 text-sm text-indigo-800 hover:line-through dark:bg-indigo-950 dark:text-indigo-200"
                            aria-label=remove>{label} " ×"</a>
                    }
                })
                .collect_view();
                view! {
                    <SearchForm current=current.clone() tags=tags.clone() show_reporter/>
                    <div class="flex flex-wrap gap-2" data-filter="active">{active}</div>
                    <div class="flex flex-wrap gap-2" data-filter="severity">{severity_chips}</div>
                    <div class="flex flex-wrap gap-2" data-filter="status">{status_chips}</div>
                    <div class="flex flex-wrap items-center gap-2" data-filter="sort">
                        <span class="text-sm text-slate-500 dark:text-slate-400">"Sort:"</span>
                        {sort_chips}
                    </div>
                }
            }}
        </nav>
    }
}

/// Free text, tag and reporter: a GET form, so it works before the WASM loads, and after it
/// the router turns the submission into a navigation without a reload.
#[component]
fn SearchForm(current: IssueFilter, tags: Vec<Tag>, show_reporter: bool) -> impl IntoView {
    let input = "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
    let keep = [
        ("status", current.status.map(|s| s.as_str().to_owned())),
        ("severity", current.severity.map(|s| s.as_str().to_owned())),
        ("sort", (current.sort != super::model::IssueSort::Newest).then(|| current.sort.as_str().to_owned())),
        ("deleted", current.deleted.then(|| "1".to_owned())),
    ];
    view! {
        <Form method="GET" action="/issues" attr:class="flex flex-wrap items-center gap-2" attr:role="search">
            {keep.into_iter().filter_map(|(name, value)| value.map(|value| view! { <input type="hidden" name=name value=value/> })).collect_view()}
            <input type="search" name="q" value=current.q.clone().unwrap_or_default() aria-label="Search issues"
                placeholder="Search titles and descriptions" maxlength=super::model::SEARCH_MAX_CHARS class=format!("{input} w-72")/>
            <select name="tag" aria-label="Tag" class=input>
                <option value="">"Any tag"</option>
                {tags.into_iter().map(|tag| {
                    let selected = current.tag.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(&tag.name));
                    let value = tag.name.clone();
                    view! { <option value=value selected=selected>{tag.name}</option> }
                }).collect_view()}
            </select>
            {show_reporter.then(|| view! {
                <input type="email" name="reporter" value=current.reporter.clone().unwrap_or_default() aria-label="Reporter email"
                    placeholder="Reporter email" class=format!("{input} w-56")/>
            })}
            <button type="submit" class="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 dark:bg-slate-200 dark:text-slate-900">"Search"</button>
        </Form>
    }
}

/// What the list says when nothing is there, and what to do about it.
#[component]
fn EmptyState(narrowed: bool) -> impl IntoView {
    let (headline, hint) = if narrowed {
        ("No issues match these filters.", "Try another filter, or clear them all.")
    } else {
        ("No issues yet.", "Issues that reporters file will appear here.")
    };
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700" data-testid="empty-state">
            <p class="text-lg font-medium">{headline}</p>
            <p class="mt-1 text-slate-500 dark:text-slate-400">{hint}</p>
            {narrowed.then(|| view! { <a href="/issues" class="mt-4 inline-block text-indigo-600 underline dark:text-indigo-400">"Clear filters"</a> })}
        </div>
    }
}

/// A timestamp shown as its UTC date, with the exact time on hover.
#[component]
pub fn Timestamp(at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() title=at.format("%Y-%m-%d %H:%M:%S UTC").to_string()>
            {at.format("%Y-%m-%d").to_string()}
        </time>
    }
}

/// The triage control of a row: move the issue to one of the stages its status allows.
#[component]
pub fn MoveStatus(issue_id: i64, status: Status, version: i64, action: ServerAction<ChangeStatus>) -> impl IntoView {
    view! {
        <ActionForm action attr:class="flex items-center gap-1">
            <input type="hidden" name="issue_id" value=issue_id/>
            <input type="hidden" name="version" value=version/>
            <select name="status" aria-label=format!("New status for issue #{issue_id}") class="mini-select">
                {status.next_stages().map(|next| view! { <option value=next.as_str()>{next.label()}</option> }).collect_view()}
            </select>
            <button type="submit" class="link-button">"Move"</button>
        </ActionForm>
    }
}

/// What the last column of a row offers: triage for live issues, restore for deleted ones.
#[derive(Clone, Copy)]
pub enum RowAction {
    Triage(ServerAction<ChangeStatus>),
    Restore(ServerAction<RestoreIssue>),
}

fn issue_row(issue: IssueSummary, filter: &IssueFilter, action: Option<RowAction>) -> impl IntoView {
    let (id, status, version) = (issue.id, issue.status, issue.version);
    let within = |change: &dyn Fn(&mut IssueFilter)| {
        let mut next = filter.first_page();
        change(&mut next);
        format!("/issues{}", next.to_query())
    };
    let reporter_href = within(&|f| f.reporter = Some(issue.reporter_email.clone()));
    let tags = issue
        .tags
        .into_iter()
        .map(|tag| {
            let href = within(&|f| f.tag = Some(tag.name.clone()));
            view! { <TagChip tag href/> }
        })
        .collect_view();
    view! {
        <tr data-issue-id=issue.id>
            <td class="muted">"#"{issue.id}</td>
            <td class="font-medium">
                <a href=format!("/issues/{id}") class="title-link">{issue.title}</a>
                <span class="ml-2 inline-flex flex-wrap gap-1 align-middle">{tags}</span>
            </td>
            <td><SeverityBadge severity=issue.severity/></td>
            <td><StatusBadge status=issue.status/></td>
            <td class="muted">
                <a href=reporter_href class="hover:underline" title="Show this reporter's issues">{issue.reporter_email}</a>
            </td>
            <td class="muted"><Timestamp at=issue.created_at/></td>
            {action.map(|action| match action {
                RowAction::Triage(action) => view! { <td><MoveStatus issue_id=id status version action/></td> }.into_any(),
                RowAction::Restore(action) => view! {
                    <td>
                        <ActionForm action>
                            <input type="hidden" name="issue_id" value=id/>
                            <button type="submit" class="link-button">"Restore"</button>
                        </ActionForm>
                    </td>
                }.into_any(),
            })}
        </tr>
    }
}

/// Links to the neighbouring pages; each carries its cursor in the URL.
#[component]
fn Pager(filter: IssueFilter, prev: Option<String>, next: Option<String>) -> impl IntoView {
    if prev.is_none() && next.is_none() {
        return None;
    }
    let link = |before: Option<String>, after: Option<String>| {
        let target = IssueFilter { before, after, ..filter.first_page() };
        format!("/issues{}", target.to_query())
    };
    let class = "rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
    Some(view! {
        <nav aria-label="Pages" class="mt-4 flex items-center gap-3">
            {prev.map(|cursor| view! { <a href=link(Some(cursor), None) rel="prev" class=class>"← Previous"</a> })}
            {next.map(|cursor| view! { <a href=link(None, Some(cursor)) rel="next" class=class>"Next →"</a> })}
        </nav>
    })
}

/// The matching issues with their count, or the empty state.
#[component]
pub fn IssueTable(page: IssuePage, filter: IssueFilter, action: Option<RowAction>) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <EmptyState narrowed=filter.narrows()/> }.into_any();
    }
    let count = match page.total {
        1 => "1 issue".to_owned(),
        n => format!("{n} issues"),
    };
    view! {
        <p class="mb-2 text-sm text-slate-500 dark:text-slate-400" data-testid="issue-count">{count}</p>
        <div class="overflow-x-auto">
            <table class="issue-table w-full text-left text-sm">
                <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Reporter"</th>
                        <th scope="col">"Created"</th>
                        {action.map(|action| {
                            let heading = if matches!(action, RowAction::Restore(_)) { "Restore" } else { "Triage" };
                            view! { <th scope="col">{heading}</th> }
                        })}
                    </tr>
                </thead>
                <tbody>{page.items.into_iter().map(|issue| issue_row(issue, &filter, action)).collect_view()}</tbody>
            </table>
        </div>
        <Pager filter=filter.clone() prev=page.prev next=page.next/>
    }
    .into_any()
}
