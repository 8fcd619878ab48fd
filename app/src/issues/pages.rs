//! The issue pages.
use super::{
    api::{CreateIssue, RestoreIssue, TransitionIssue, list_issues, preview_description},
    components::{FilterBar, IssueTable, RowAction, SearchText},
    model::IssueFilter,
};
use crate::{
    auth::components::{Field, FormError},
    domain::Severity,
    tags::{api::list_tags, components::TagPicker},
};
use leptos::prelude::*;
use leptos_meta::Title;
use crate::templates::{
    api::{get_template, list_templates},
    model::{BLANK, Template},
    pages::TemplatePicker,
};
use leptos_router::hooks::use_query_map;

/// The issue list: filters from the URL, rendered on the server, then live in the browser.
#[component]
pub fn IssueListPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        IssueFilter::from_query(|key| query.get(key))
    });
    let auth = crate::auth::components::use_auth();
    let transition = ServerAction::<TransitionIssue>::new();
    let restore = ServerAction::<RestoreIssue>::new();
    let bulk = ServerAction::<super::api::BulkTriage>::new();
    let live = crate::live::use_live();
    // Moved when a live change may have touched the list (rows appear, move or leave the filter,
    // the count changes); a change to a row shown in place is patched instead (see `watch_list`).
    let reload = RwSignal::new(0u64);
    // Rows as live notices carried them, by id: each drawn instead of the loaded row while newer.
    let patches = RwSignal::new(std::collections::HashMap::<i64, super::model::IssueSummary>::new());
    // Issues that entered (or left) the list on a later page since it loaded.
    let counted = RwSignal::new(0i64);
    let loading = StoredValue::new(false);
    let page = Resource::new(
        move || (filter.get(), transition.version().get() + restore.version().get() + bulk.version().get(), reload.get()),
        move |(filter, _, _)| async move {
            // Only the browser hears notices. The page may be gone by the time its load ends.
            #[cfg(feature = "hydrate")]
            loading.try_set_value(true);
            let page = list_issues(filter).await;
            #[cfg(feature = "hydrate")]
            {
                loading.try_set_value(false);
                // What the load already shows needs no patch any more, and its count is current.
                if let Ok(page) = &page {
                    patches.try_update_untracked(|patches| patches.retain(|id, row| page.items.iter().any(|item| item.id == *id && newer(row, item))));
                    counted.try_update_untracked(|counted| *counted = 0);
                }
            }
            page
        },
    );
    live.watch_list(crate::live::ListWatch {
        decide: std::sync::Arc::new(move |notice: &crate::live::RowNotice| {
            let me = auth.user.get_untracked().and_then(Result::ok).flatten().map(|user| user.id);
            let judge = super::live_rows::Judge::new(&filter.get_untracked(), me);
            let view = page.with_untracked(|page| match page {
                Some(Ok(page)) => Some(judge.view(page)),
                _ => None,
            });
            let Some(view) = view else { return crate::live::decide::Decision::Reload };
            let before = notice.before.as_ref().zip(notice.row.as_ref()).map(|(was, row)| judge.before(row, was));
            let heard = crate::live::decide::Heard { id: notice.id, change: notice.change, row: notice.row.as_ref().map(|row| judge.row(row)), before };
            match crate::live::decide::decide(&view, &heard) {
                // A load under way may or may not count it already: the next load will.
                crate::live::decide::Decision::Count(_) if loading.get_value() => crate::live::decide::Decision::Reload,
                decision => decision,
            }
        }),
        count: std::sync::Arc::new(move |by| counted.update(|counted| *counted += by)),
        patch: std::sync::Arc::new(move |row| patches.update(|patches| {
            patches.insert(row.id, row);
        })),
        reload,
    });
    let selection = super::selection::Selection::new(page);
    let can_triage = Signal::derive(move || auth.user.get().and_then(Result::ok).flatten().is_some_and(|u| u.can_triage()));
    selection.shortcuts(can_triage);
    selection.offer_bulk(bulk, can_triage);
    // The people the bar assigns to, for those who triage: asked once the page runs in the
    // browser (a resource here would change what the server renders inside the filters' suspense).
    let people = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        if can_triage.get() && people.with_untracked(Vec::is_empty) {
            leptos::task::spawn_local(async move {
                if let Ok(found) = super::api::list_assignable().await {
                    people.try_set(found);
                }
            });
        }
    });
    let transition_error = Signal::derive(move || transition.value().get().and_then(Result::err));
    let tags = Resource::new(|| (), |_| list_tags());
    let typed = SearchText::new(filter);
    // What a saved view of this list keeps: the controls and the typed query, as one query.
    let query = Signal::derive(move || filter.with(IssueFilter::as_query));
    view! {
        <Title text="Issues"/>
        // The views above the list: a column beside it would leave the table's titles too narrow.
        <crate::views::components::ViewList query/>
        <div class="flex items-center justify-between gap-3">
            <h1 class="text-2xl font-semibold">"Issues"</h1>
            <a href="/issues/new" class="btn-primary">"New issue"</a>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let tags = tags.await.unwrap_or_default();
                let user = auth.user.await.ok().flatten();
                let show_reporter = user.as_ref().is_some_and(|u| u.can_triage());
                let is_admin = user.as_ref().is_some_and(|u| u.is_admin());
                view! {
                    <FilterBar typed tags=tags.clone() show_reporter is_admin/>
                    {show_reporter.then(|| view! { <super::selection::BulkBar selection bulk tags people=people.into() is_admin/> })}
                }
            })}
        </Suspense>
        <FormError error=transition_error/>
        // A transition keeps the current rows on screen while the next filter loads.
        <Transition fallback=|| view! { <p role="status" class="text-slate-500">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                let patched = patches.try_get().unwrap_or_default();
                let counted = counted.try_get().unwrap_or_default();
                let user = auth.user.await.ok().flatten();
                let can_triage = user.as_ref().is_some_and(|u| u.can_triage());
                let showing_deleted = filter.get_untracked().deleted && user.as_ref().is_some_and(|u| u.is_admin());
                let action = if showing_deleted {
                    Some(RowAction::Restore(restore))
                } else {
                    can_triage.then_some(RowAction::Transition(transition))
                };
                match page.await {
                    Err(crate::error::AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Ok(mut page) => {
                        page.total = page.total.saturating_add_signed(counted);
                        for item in &mut page.items {
                            if let Some(row) = patched.get(&item.id).filter(|row| newer(row, item)) {
                                *item = row.clone();
                            }
                        }
                        let selection = can_triage.then_some(selection);
                        view! { <IssueTable page filter=filter.get_untracked() action can_triage selection/> }.into_any()
                    }
                    // A query the search box cannot read says where and what it expected there.
                    Err(err @ crate::error::AppError::Validation(_)) => view! {
                        <p role="alert" data-field-error="q" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                            "The search could not be read " {crate::auth::components::field_message(&Some(err), "q")}
                        </p>
                    }.into_any(),
                    Err(err) => view! {
                        <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                            {err.to_string()}
                        </p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Whether a row a live notice carried is newer than the one loaded (or the same).
fn newer(patch: &super::model::IssueSummary, loaded: &super::model::IssueSummary) -> bool {
    (patch.updated_at, patch.version) >= (loaded.updated_at, loaded.version)
}

/// Where filing starts: the templates to choose from, or the form (from a template or blank).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Start {
    Pick(Vec<Template>),
    /// The form, from the template if one was named and found; `missing` names one that was not.
    /// With the tags to choose from, so the form renders at once.
    Form { template: Option<Template>, missing: Option<String>, tags: Vec<crate::tags::model::Tag> },
}

/// What `/issues/new?template=<key>` starts from: with no key, the picker when templates exist.
async fn start(key: Option<String>) -> Start {
    let (template, missing) = match key {
        None => match list_templates(false).await {
            Ok(templates) if !templates.is_empty() => return Start::Pick(templates),
            _ => (None, None),
        },
        Some(key) if key == BLANK => (None, None),
        Some(key) => match get_template(key.clone()).await {
            Ok(Some(template)) => (Some(template), None),
            _ => (None, Some(key)),
        },
    };
    Start::Form { template, missing, tags: list_tags().await.unwrap_or_default() }
}

/// File a new issue: first a template when there are any (or `?template=` names one), then
/// title, severity, tags, and a markdown description with a preview.
#[component]
pub fn NewIssuePage() -> impl IntoView {
    let query = use_query_map();
    let key = Memo::new(move |_| query.read().get("template"));
    let start = Resource::new(move || key.get(), start);
    // Made here, outside the suspense: a resource made inside it (the mention list's) would hold
    // the server's render, and what the suspense makes is dropped when it renders again.
    let form = FormState::new();
    view! {
        <Title text="New issue"/>
        <h1 class="text-2xl font-semibold">"New issue"</h1>
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Start::Pick(templates) => view! { <TemplatePicker templates/> }.into_any(),
                    Start::Form { template, missing, tags } => view! {
                        {missing.map(|key| view! {
                            <p role="status" class="mt-4 max-w-3xl rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                                {format!("There is no template \u{201c}{key}\u{201d} in use; this is a blank issue. ")}
                                <a href="/issues/new" class="underline">"Choose a template"</a>
                            </p>
                        })}
                        <IssueForm template tags form/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filing form's state: its action, the description being written, its preview, the
/// mention list and the look-alike issues.
#[derive(Clone, Copy)]
struct FormState {
    action: ServerAction<CreateIssue>,
    pending: Memo<bool>,
    error: Signal<Option<crate::error::AppError>>,
    markdown: RwSignal<String>,
    textarea: NodeRef<leptos::html::Textarea>,
    picker: crate::notifications::components::MentionPicker,
    previewing: RwSignal<bool>,
    preview: LocalResource<Result<String, crate::error::AppError>>,
    look_alike: LookAlikeSearch,
}

impl FormState {
    fn new() -> FormState {
        let action = ServerAction::<CreateIssue>::new();
        let error = Signal::derive(move || action.value().get().and_then(Result::err));
        let markdown = RwSignal::new(String::new());
        let textarea = NodeRef::<leptos::html::Textarea>::new();
        let picker = crate::notifications::components::MentionPicker::new("description", None, markdown, textarea);
        let previewing = RwSignal::new(false);
        let preview = LocalResource::new(move || {
            let markdown = previewing.get().then(|| markdown.get());
            async move {
                match markdown {
                    Some(markdown) => preview_description(markdown, None).await,
                    None => Ok(String::new()),
                }
            }
        });
        FormState { action, pending: action.pending(), error, markdown, textarea, picker, previewing, preview, look_alike: LookAlikeSearch::new() }
    }
}

/// The filing form, filled in from `template` when there is one.
#[component]
fn IssueForm(template: Option<Template>, tags: Vec<crate::tags::model::Tag>, form: FormState) -> impl IntoView {
    let FormState { action, pending, error, markdown, textarea, picker, previewing, preview, look_alike } = form;
    // The description starts from the template's body (the form is made again only when
    // another template is chosen).
    let body = template.as_ref().map(|t| t.body.clone()).unwrap_or_default();
    markdown.set(body.clone());
    let severity = template.as_ref().map_or(Severity::Medium, |t| t.severity);
    let chosen_tags = template.as_ref().map(|t| t.tags.clone()).unwrap_or_default();
    let tab = "rounded-t px-3 py-1 text-sm aria-selected:bg-slate-200 aria-selected:font-medium dark:aria-selected:bg-slate-800";
    view! {
        <ActionForm action attr:class="mt-4 flex max-w-3xl flex-col gap-4">
            {template.map(|t| view! {
                <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="from-template">
                    "From the " <strong class="font-medium text-slate-900 dark:text-slate-100">{t.name}</strong> " template. "
                    <a href="/issues/new" class="text-indigo-700 underline dark:text-indigo-300">"Choose another"</a>
                    <input type="hidden" name="template_id" value=t.id/>
                </p>
            })}
            <FormError error/>
            <p class="text-sm text-red-600 empty:hidden dark:text-red-400" data-field-error="template_id">
                {move || crate::auth::components::field_message(&error.get(), "template_id")}
            </p>
            <Field label="Title" name="title" error on_input=look_alike.typed/>
            <LookAlikeList look_alike/>
            <div class="flex flex-col gap-1">
                <label for="field-severity" class="text-sm font-medium">"Severity"</label>
                <select id="field-severity" name="severity" class="w-48 rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900">
                    {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == severity>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <TagPicker all=tags chosen=chosen_tags/>
            <p class="text-sm text-red-600 dark:text-red-400" data-field-error="tags">
                {move || crate::auth::components::field_message(&error.get(), "tags")}
            </p>
            <div class="flex flex-col gap-1">
                <div class="flex items-end justify-between">
                    <label for="field-description" class="text-sm font-medium">"Description (markdown)"</label>
                    <div role="tablist" aria-label="Editor mode" class="flex gap-1">
                        <button type="button" role="tab" class=tab aria-selected=move || (!previewing.get()).to_string() on:click=move |_| previewing.set(false)>"Write"</button>
                        <button type="button" role="tab" class=tab aria-selected=move || previewing.get().to_string() on:click=move |_| previewing.set(true)>"Preview"</button>
                    </div>
                </div>
                <textarea id="field-description" name="description" rows="12" hidden=move || previewing.get() node_ref=textarea
                    aria-autocomplete="list" aria-controls=move || picker.list_id()
                    aria-activedescendant=move || picker.active_option()
                    on:input=move |ev| { markdown.set(event_target_value(&ev)); picker.follow(); }
                    on:keydown=move |ev| picker.key(&ev) on:click=move |_| picker.follow()
                    prop:value=move || markdown.get()
                    class="rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900">{body}</textarea>
                <crate::notifications::components::MentionList picker/>
                <Show when=move || previewing.get()>
                    <Suspense fallback=|| view! { <p role="status">"Rendering preview…"</p> }>
                        {move || Suspend::new(async move {
                            match preview.await {
                                Ok(html) => view! { <div class="markdown min-h-24 rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="preview" inner_html=html></div> }.into_any(),
                                Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Show>
                <p class="text-sm text-red-600 dark:text-red-400" data-field-error="description">
                    {move || crate::auth::components::field_message(&error.get(), "description")}
                </p>
            </div>
            <button type="submit" class="self-start rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500" disabled=move || pending.get()>
                "File issue"
            </button>
        </ActionForm>
    }
}

/// The filing page's "this looks like #123": the title as typed, and once typing pauses, the
/// open issues whose words match it.
#[derive(Clone, Copy)]
struct LookAlikeSearch {
    /// Told each keystroke's title.
    typed: Callback<String>,
    /// The suggestions for the title as it was when typing last paused. A signal the browser
    /// fills, not a resource: the form renders inside the page's suspense, which would wait on it.
    found: RwSignal<Vec<super::model::LookAlike>>,
}

impl LookAlikeSearch {
    /// How long typing pauses before the suggestions are asked for.
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

    fn new() -> LookAlikeSearch {
        let found = RwSignal::new(Vec::new());
        // The title last asked about: an answer for an older one is dropped.
        let latest = StoredValue::new(String::new());
        let waiting = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
        let typed = Callback::new(move |title: String| {
            if let Some(earlier) = waiting.try_get_value().flatten() {
                earlier.clear();
            }
            // The page may be gone (the issue filed) by the time the pause ends or the answer
            // comes: then there is nothing left to show it in.
            let ask = move || {
                if latest.try_set_value(title.clone()).is_some() {
                    return;
                }
                // A word or two of a title finds too much to help.
                if title.trim().chars().count() < 3 {
                    found.try_set(Vec::new());
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = super::api::similar_issues(title.clone()).await.unwrap_or_default();
                    if latest.try_with_value(|latest| *latest == title) == Some(true) {
                        found.try_set(answer);
                    }
                });
            };
            waiting.try_set_value(leptos::leptos_dom::helpers::set_timeout_with_handle(ask, Self::PAUSE).ok());
        });
        LookAlikeSearch { typed, found }
    }
}

/// The open issues that look like the one being filed, each opening in a new tab so that
/// nothing typed is lost.
#[component]
fn LookAlikeList(look_alike: LookAlikeSearch) -> impl IntoView {
    let found = move || look_alike.found.get();
    view! {
        <div aria-live="polite">
            <Show when=move || !found().is_empty()>
                <section aria-labelledby="look-alike-heading" data-testid="look-alike" class="rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
                    <h2 id="look-alike-heading" class="font-medium text-amber-900 dark:text-amber-100">"Open issues that look alike: is yours already filed?"</h2>
                    <ul class="mt-2 flex flex-col gap-1">
                        {move || found().into_iter().map(|issue| view! {
                            <li class="flex min-w-0 items-center gap-2">
                                <super::badges::StatusBadge status=issue.status/>
                                <a href=format!("/issues/{}", issue.id) target="_blank" rel="noopener" class="min-w-0 truncate text-indigo-700 hover:underline dark:text-indigo-300">
                                    <span class="text-slate-500 dark:text-slate-400">"#" {issue.id} " "</span>
                                    {issue.title}
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
        </div>
    }
}
