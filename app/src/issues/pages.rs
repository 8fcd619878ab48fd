//! The issue pages.
use super::{
    api::{ChangeSeverity, ChangeStatus, CreateIssue, DeleteIssue, RestoreIssue, SetIssueTags, UpdateIssue, get_issue, list_issues, preview_markdown},
    components::{FilterBar, IssueTable, MoveStatus, RowAction, SetSeverity, SeverityBadge, StatusBadge, Timestamp},
    model::{IssueDetail, IssueFilter},
};
use crate::{
    auth::components::{Field, FormError},
    domain::Severity,
    error::AppError,
    tags::{
        api::list_tags,
        components::{TagChip, TagPicker},
        model::Tag,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The issue list: filters from the URL, rendered on the server, then live in the browser.
#[component]
pub fn IssueListPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        IssueFilter::from_query(|key| query.get(key))
    });
    let auth = crate::auth::components::use_auth();
    let change_status = ServerAction::<ChangeStatus>::new();
    let restore = ServerAction::<RestoreIssue>::new();
    let live = crate::live::use_live();
    // Any change the user may see reloads the list: rows appear, change and leave the filter.
    let page = Resource::new(
        move || (filter.get(), change_status.version().get() + restore.version().get(), live.changes.get()),
        |(filter, _, _)| list_issues(filter),
    );
    let triage_error = Signal::derive(move || change_status.value().get().and_then(Result::err));
    let tags = Resource::new(|| (), |_| list_tags());
    view! {
        <Title text="Issues"/>
        <div class="flex items-center justify-between">
            <h1 class="text-2xl font-semibold">"Issues"</h1>
            <a href="/issues/new" class="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">"New issue"</a>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let tags = tags.await.unwrap_or_default();
                let show_reporter = auth.user.await.ok().flatten().is_some_and(|u| u.can_triage());
                view! { <FilterBar filter tags show_reporter/> }
            })}
        </Suspense>
        <FormError error=triage_error/>
        // A transition keeps the current rows on screen while the next filter loads.
        <Transition fallback=|| view! { <p role="status" class="text-slate-500">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                let user = auth.user.await.ok().flatten();
                let showing_deleted = filter.get_untracked().deleted && user.as_ref().is_some_and(|u| u.is_admin());
                let action = if showing_deleted {
                    Some(RowAction::Restore(restore))
                } else {
                    user.as_ref().filter(|u| u.can_triage()).map(|_| RowAction::Triage(change_status))
                };
                let deleted_link = user.as_ref().filter(|u| u.is_admin()).map(|_| {
                    let mut other = filter.get_untracked();
                    other.deleted = !other.deleted;
                    let label = if other.deleted { "Show deleted issues" } else { "Show live issues" };
                    view! { <p class="mb-2 text-sm"><a href=format!("/issues{}", other.to_query()) class="text-indigo-600 underline dark:text-indigo-400">{label}</a></p> }
                });
                match page.await {
                    Err(crate::error::AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Ok(page) => view! { {deleted_link} <IssueTable page filter=filter.get_untracked() action/> }.into_any(),
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

/// File a new issue: title, severity, and a markdown description with a preview.
#[component]
pub fn NewIssuePage() -> impl IntoView {
    let action = ServerAction::<CreateIssue>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let markdown = RwSignal::new(String::new());
    let previewing = RwSignal::new(false);
    let preview = Resource::new(
        move || previewing.get().then(|| markdown.get()),
        |markdown| async move {
            match markdown {
                Some(markdown) => preview_markdown(markdown).await,
                None => Ok(String::new()),
            }
        },
    );
    let tags = Resource::new(|| (), |_| list_tags());
    let tab = "rounded-t px-3 py-1 text-sm aria-selected:bg-slate-200 aria-selected:font-medium dark:aria-selected:bg-slate-800";
    view! {
        <Title text="New issue"/>
        <h1 class="text-2xl font-semibold">"New issue"</h1>
        <ActionForm action attr:class="mt-4 flex max-w-3xl flex-col gap-4">
            <FormError error/>
            <Field label="Title" name="title" error/>
            <div class="flex flex-col gap-1">
                <label for="field-severity" class="text-sm font-medium">"Severity"</label>
                <select id="field-severity" name="severity" class="w-48 rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900">
                    {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == Severity::Medium>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { view! { <TagPicker all=tags.await.unwrap_or_default() chosen=Vec::new()/> } })}
            </Suspense>
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
                <textarea id="field-description" name="description" rows="12" hidden=move || previewing.get()
                    on:input=move |ev| markdown.set(event_target_value(&ev)) prop:value=move || markdown.get()
                    class="rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"></textarea>
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
            <button type="submit" class="self-start rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500" disabled=move || action.pending().get()>
                "File issue"
            </button>
        </ActionForm>
    }
}

/// One issue: its rendered description, metadata, and the triage controls the viewer's role allows.
#[component]
pub fn IssueDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let auth = crate::auth::components::use_auth();
    let change_status = ServerAction::<ChangeStatus>::new();
    let change_severity = ServerAction::<ChangeSeverity>::new();
    let update = ServerAction::<UpdateIssue>::new();
    let delete = ServerAction::<DeleteIssue>::new();
    let set_tags = ServerAction::<SetIssueTags>::new();
    let all_tags = Resource::new(|| (), |_| list_tags());
    // Changes to this issue by anyone else, as they arrive.
    let live = crate::live::use_live().changes_to(id);
    let uploads = crate::attachments::components::Uploads::new();
    provide_context(uploads);
    let uploaded = uploads.uploaded;
    // Every change made on this page; the issue reloads after each.
    let saved = Signal::derive(move || {
        change_status.version().get() + change_severity.version().get() + update.version().get() + set_tags.version().get()
    });
    // Each of those, each upload and each change arriving live adds a line to the timeline.
    let timeline_changes = Signal::derive(move || saved.get() + uploaded.get() as usize + live.get() as usize);
    // Bumped to load the latest saved version without touching what the user is typing.
    let reload = RwSignal::new(0u32);
    let issue = Resource::new(
        move || (id.get(), saved.get(), reload.get(), live.get()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => get_issue(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let triage_error = Signal::derive(move || {
        [change_status.value().get().and_then(Result::err), change_severity.value().get().and_then(Result::err), set_tags.value().get().and_then(Result::err)]
            .into_iter()
            .flatten()
            .next()
    });
    // Triage from the keyboard: `]` next stage, `[` previous stage. Ignored while typing.
    let shortcuts = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || change_status.pending().get_untracked() {
            return;
        }
        let can_triage = auth.user.get_untracked().and_then(Result::ok).flatten().is_some_and(|u| u.can_triage());
        let Some(summary) = issue.get_untracked().and_then(Result::ok).map(|d| d.summary) else { return };
        let next = match ev.key().as_str() {
            "]" => summary.status.forward(),
            "[" => summary.status.backward(),
            _ => return,
        };
        if let (true, Some(status)) = (can_triage, next) {
            ev.prevent_default();
            change_status.dispatch(ChangeStatus { issue_id: summary.id, status, version: summary.version });
        }
    });
    on_cleanup(move || shortcuts.remove());
    view! {
        <FormError error=triage_error/>
        // Inside a transition, so hydration waits for the issue and the user before deciding on the Edit button.
        <Transition fallback=|| ()>
            <EditIssue issue update reload/>
        </Transition>
        <Transition fallback=|| view! { <p role="status">"Loading the issue…"</p> }>
            {move || Suspend::new(async move {
                let user = auth.user.await.ok().flatten();
                let can_triage = user.as_ref().is_some_and(|u| u.can_triage());
                let is_admin = user.as_ref().is_some_and(|u| u.is_admin());
                let all_tags = if can_triage { all_tags.await.unwrap_or_default() } else { Vec::new() };
                match issue.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <Title text="Issue not found"/>
                        <h1 class="text-2xl font-semibold">"Issue not found"</h1>
                        <p class="mt-2">"It does not exist, or you cannot see it. " <a href="/issues" class="text-indigo-600 underline">"Back to the issues"</a></p>
                    }.into_any(),
                    Err(err) => view! { <p role="alert">{err.to_string()}</p> }.into_any(),
                    Ok(detail) => {
                        let s = detail.summary;
                        view! {
                            <Title text=format!("#{} {}", s.id, s.title)/>
                            <p class="text-sm"><a href="/issues" class="text-indigo-600 underline dark:text-indigo-400">"← Issues"</a></p>
                            <h1 class="mt-2 text-2xl font-semibold">{s.title.clone()} " " <span class="text-slate-500">"#"{s.id}</span></h1>
                            <div class="mt-2 flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
                                <StatusBadge status=s.status/>
                                <SeverityBadge severity=s.severity/>
                                <span>"Filed by " {s.reporter_email.clone()} " on " <Timestamp at=s.created_at/></span>
                                <span class="flex flex-wrap gap-1" data-testid="tags">
                                    {s.tags.iter().cloned().map(|tag| {
                                        let href = format!("/issues?tag={}", super::model::encode(&tag.name));
                                        view! { <TagChip tag href/> }
                                    }).collect_view()}
                                </span>
                            </div>
                            {can_triage.then(|| view! {
                                <div class="mt-4 flex flex-wrap gap-4 rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="triage">
                                    <MoveStatus issue_id=s.id status=s.status version=s.version action=change_status/>
                                    <SetSeverity issue_id=s.id severity=s.severity version=s.version action=change_severity/>
                                    <EditTags issue_id=s.id version=s.version all=all_tags chosen=s.tags.clone() action=set_tags/>
                                    <p class="text-xs text-slate-500 dark:text-slate-400">
                                        "Keyboard: " <kbd class="rounded border px-1">"]"</kbd> " next stage, "
                                        <kbd class="rounded border px-1">"["</kbd> " previous stage"
                                    </p>
                                </div>
                            })}
                            <article class="markdown mt-6" data-testid="description" inner_html=detail.description_html></article>
                            <crate::attachments::components::Attachments issue_id=s.id/>
                            <crate::comments::components::Timeline issue_id=s.id changes=timeline_changes/>
                            {is_admin.then(|| view! { <DeleteButton issue_id=s.id action=delete/> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The triage control for tags: the whole tag list as checkboxes, saved at once.
#[component]
fn EditTags(issue_id: i64, version: i64, all: Vec<Tag>, chosen: Vec<Tag>, action: ServerAction<SetIssueTags>) -> impl IntoView {
    view! {
        <ActionForm action attr:class="flex flex-wrap items-end gap-2" attr:data-testid="edit-tags">
            <input type="hidden" name="issue_id" value=issue_id/>
            <input type="hidden" name="version" value=version/>
            <TagPicker all chosen/>
            <button type="submit" class="text-xs text-indigo-600 underline dark:text-indigo-400">"Save tags"</button>
        </ActionForm>
    }
}

/// Deleting takes two clicks: the first asks, the second deletes.
#[component]
fn DeleteButton(issue_id: i64, action: ServerAction<DeleteIssue>) -> impl IntoView {
    view! {
        <div class="mt-8 border-t border-slate-200 pt-4 dark:border-slate-800">
            <crate::layout::TwoStep label="Delete issue">
                <ActionForm action attr:class="flex items-center gap-3 text-sm">
                    <input type="hidden" name="issue_id" value=issue_id/>
                    <span>"Delete this issue? Admins can restore it from the deleted list."</span>
                    <button type="submit" class="rounded bg-red-600 px-3 py-1 text-white">"Yes, delete"</button>
                </ActionForm>
            </crate::layout::TwoStep>
        </div>
    }
}

/// The editor for title and description, for the issue's reporter and admins. What the user
/// types stays put when the issue changes underneath; a stale save says so and offers the
/// latest version to review before saving again.
#[component]
fn EditIssue(
    issue: Resource<Result<IssueDetail, AppError>>,
    update: ServerAction<UpdateIssue>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let auth = crate::auth::components::use_auth();
    let editing = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let stale = move || matches!(error.get(), Some(AppError::StaleVersion { .. }));
    // A successful save closes the editor.
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_))) {
            editing.set(false);
        }
    });
    let current = move || issue.get().and_then(Result::ok);
    let may_edit = move || {
        let user = auth.user.get().and_then(Result::ok).flatten();
        match (user, current()) {
            (Some(user), Some(detail)) => user.is_admin() || user.email == detail.summary.reporter_email,
            _ => false,
        }
    };
    // The version the text in the editor is based on; saving names it, so a change that
    // arrives live is never overwritten without the user choosing to.
    let base = RwSignal::new(None::<i64>);
    let load = move || {
        if let Some(detail) = current() {
            title.set(detail.summary.title.clone());
            description.set(detail.description.clone());
            base.set(Some(detail.summary.version));
        }
    };
    let open = move |_| {
        load();
        editing.set(true);
    };
    let changed_underneath = move || editing.get() && base.get().is_some() && current().map(|d| d.summary.version) != base.get();
    view! {
        <Show when=move || may_edit() && !editing.get()>
            <button type="button" class="float-right text-sm text-indigo-600 underline dark:text-indigo-400" on:click=open>"Edit"</button>
        </Show>
        <Show when=move || editing.get()>
            <ActionForm action=update attr:class="mb-6 flex max-w-3xl flex-col gap-3 rounded border border-slate-200 p-4 dark:border-slate-800">
                <Show when=stale>
                    <div role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                        "Someone else changed this issue while you were editing. Your text is kept below. "
                        <button type="button" class="underline" on:click=move |_| reload.update(|n| *n += 1)>
                            "Show their version"
                        </button>
                        " then save again to apply yours on top."
                    </div>
                </Show>
                <Show when=move || !stale()>
                    <FormError error/>
                </Show>
                <Show when=changed_underneath>
                    <div role="status" class="rounded border border-sky-300 bg-sky-50 p-3 text-sm text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100" data-testid="changed-underneath">
                        "This issue changed since you opened the editor; the latest version is shown below. "
                        <button type="button" class="underline" on:click=move |_| base.set(current().map(|d| d.summary.version))>"Keep my text"</button>
                        " (saving applies it on top) or "
                        <button type="button" class="underline" on:click=move |_| load()>"Start from theirs"</button>
                        "."
                    </div>
                </Show>
                <input type="hidden" name="issue_id" prop:value=move || current().map(|d| d.summary.id.to_string()).unwrap_or_default()/>
                <input type="hidden" name="version" prop:value=move || base.get().map(|v| v.to_string()).unwrap_or_default()/>
                <label class="text-sm font-medium" for="edit-title">"Title"</label>
                <input id="edit-title" name="title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))
                    class="rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"/>
                <p class="text-sm text-red-600" data-field-error="title">{move || crate::auth::components::field_message(&error.get(), "title")}</p>
                <label class="text-sm font-medium" for="edit-description">"Description (markdown)"</label>
                <textarea id="edit-description" name="description" rows="10" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                    class="rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"></textarea>
                <div class="flex gap-3">
                    <button type="submit" class="rounded bg-indigo-600 px-4 py-2 font-medium text-white">"Save"</button>
                    <button type="button" class="underline" on:click=move |_| editing.set(false)>"Cancel"</button>
                </div>
            </ActionForm>
        </Show>
    }
}
