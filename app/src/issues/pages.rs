//! The issue pages.
use super::{
    api::{ChangeSeverity, ChangeStatus, CreateIssue, get_issue, list_issues, preview_markdown},
    components::{FilterBar, IssueTable, MoveStatus, SetSeverity, SeverityBadge, StatusBadge, Timestamp},
    model::IssueFilter,
};
use crate::{
    auth::components::{Field, FormError},
    domain::Severity,
    error::AppError,
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
    let page = Resource::new(move || (filter.get(), change_status.version().get()), |(filter, _)| list_issues(filter));
    let triage_error = Signal::derive(move || change_status.value().get().and_then(Result::err));
    view! {
        <Title text="Issues"/>
        <div class="flex items-center justify-between">
            <h1 class="text-2xl font-semibold">"Issues"</h1>
            <a href="/issues/new" class="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">"New issue"</a>
        </div>
        <FilterBar filter/>
        <FormError error=triage_error/>
        // A transition keeps the current rows on screen while the next filter loads.
        <Transition fallback=|| view! { <p role="status" class="text-slate-500">"Loading issues…"</p> }>
            {move || Suspend::new(async move {
                let triage = matches!(auth.user.await, Ok(Some(user)) if user.can_triage()).then_some(change_status);
                match page.await {
                    Err(crate::error::AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Ok(page) => view! { <IssueTable page filter=filter.get_untracked() triage/> }.into_any(),
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
    let issue = Resource::new(
        move || (id.get(), change_status.version().get(), change_severity.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_issue(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let triage_error = Signal::derive(move || {
        change_status.value().get().and_then(Result::err).or_else(|| change_severity.value().get().and_then(Result::err))
    });
    view! {
        <FormError error=triage_error/>
        <Transition fallback=|| view! { <p role="status">"Loading the issue…"</p> }>
            {move || Suspend::new(async move {
                let can_triage = matches!(auth.user.await, Ok(Some(user)) if user.can_triage());
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
                            </div>
                            {can_triage.then(|| view! {
                                <div class="mt-4 flex flex-wrap gap-4 rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="triage">
                                    <MoveStatus issue_id=s.id status=s.status version=s.version action=change_status/>
                                    <SetSeverity issue_id=s.id severity=s.severity version=s.version action=change_severity/>
                                </div>
                            })}
                            <article class="markdown mt-6" data-testid="description" inner_html=detail.description_html></article>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
