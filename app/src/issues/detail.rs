//! The issue page. It is built once per issue and then only its values change: a live update
//! or a save reloads the data, never the page's parts, so a half-typed comment, an open editor
//! or an open menu keeps its text and focus while colleagues work on the same issue.
use super::{
    api::{AssignIssue, ChangeSeverity, DeleteIssue, SetIssueTags, TransitionIssue, UpdateIssue, get_issue},
    assignee::AssigneeControl,
    components::{SeverityBadge, Timestamp},
    model::IssueDetail,
    triage::{SeverityMenu, TagMenu, TransitionControl},
};
use crate::{auth::components::FormError, domain::Status, error::AppError, people::components::PersonLink, tags::api::list_tags};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// What the page shows as a whole: the issue, or why not. Changes only when that changes.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Shown(i64),
    SignIn,
    NotFound,
    Failed(String),
}

/// One issue: its description, metadata, triage, attachments and timeline.
#[component]
pub fn IssueDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let actions = Actions::new();
    let live = crate::live::use_live().changes_to(id);
    let uploads = crate::attachments::components::Uploads::new();
    provide_context(uploads);
    // Every change made on this page; the issue reloads after each.
    let saved = Signal::derive(move || {
        actions.transition.version().get() + actions.severity.version().get() + actions.update.version().get() + actions.tags.version().get()
            + actions.assign.version().get()
    });
    // Each of those, each upload and each change arriving live adds a line to the timeline.
    let uploaded = uploads.uploaded;
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
        let failed = |result: Option<Result<super::model::IssueSummary, AppError>>| result.and_then(Result::err);
        failed(actions.transition.value().get())
            .or_else(|| failed(actions.severity.value().get()))
            .or_else(|| failed(actions.tags.value().get()))
            .or_else(|| failed(actions.assign.value().get()))
    });
    keyboard_transitions(issue, actions);
    view! {
        <FormError error=triage_error/>
        <Transition fallback=|| view! { <p role="status">"Loading the issue…"</p> }>
            <IssueBody issue actions reload timeline_changes/>
        </Transition>
    }
}

/// The page's server actions, made once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    transition: ServerAction<TransitionIssue>,
    severity: ServerAction<ChangeSeverity>,
    update: ServerAction<UpdateIssue>,
    delete: ServerAction<DeleteIssue>,
    tags: ServerAction<SetIssueTags>,
    assign: ServerAction<AssignIssue>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            transition: ServerAction::new(),
            severity: ServerAction::new(),
            update: ServerAction::new(),
            delete: ServerAction::new(),
            tags: ServerAction::new(),
            assign: ServerAction::new(),
        }
    }
}

/// `]` next stage and `[` previous stage (for triagers), and `s` severity, `t` tags, `a`
/// assignee, `r` reply, `e` edit; ignored while typing in a field.
fn keyboard_transitions(issue: Resource<Result<IssueDetail, AppError>>, actions: Actions) {
    let Actions { transition, assign, .. } = actions;
    let auth = crate::auth::components::use_auth();
    let shortcuts = window_event_listener(leptos::ev::keydown, move |ev| {
        if crate::keys::typing_in_field(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || transition.pending().get_untracked() {
            return;
        }
        // Each opens what the page already has (and finds nothing where the person may not use it).
        if let Some(control) = CONTROLS.iter().find(|c| c.key == Some(ev.key().as_str())) {
            if control.open() {
                ev.prevent_default();
            }
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
            transition.dispatch(TransitionIssue { issue_id: summary.id, status, version: summary.version });
        }
    });
    on_cleanup(move || shortcuts.remove());
    // The same, and the moves, in the command palette; only what the person may do.
    crate::palette::Offered::offer(move || {
        use crate::palette::Action;
        let Some(summary) = issue.get().and_then(Result::ok).map(|d| d.summary) else { return Vec::new() };
        let Some(user) = auth.user.get().and_then(Result::ok).flatten() else { return Vec::new() };
        let control = |control: &'static Control| Action { label: control.label.to_owned(), run: Callback::new(move |()| { control.open(); }) };
        let allowed = |who: Who| match who {
            Who::Anyone => true,
            Who::Triager => user.can_triage(),
            Who::Editor => user.is_admin() || summary.reporter.id == user.id,
            Who::Admin => user.is_admin(),
        };
        let mut actions = Vec::new();
        if user.can_triage() {
            for status in [summary.status.forward(), summary.status.backward()].into_iter().flatten() {
                let (issue_id, version) = (summary.id, summary.version);
                actions.push(Action { label: format!("Move to {}", status.label()), run: Callback::new(move |()| { transition.dispatch(TransitionIssue { issue_id, status, version }); }) });
            }
            if summary.assignee.as_ref().is_none_or(|person| person.id != user.id) {
                let (issue_id, version, me) = (summary.id, summary.version, user.id);
                actions.push(Action { label: "Assign to me".to_owned(), run: Callback::new(move |()| { assign.dispatch(AssignIssue { issue_id, version, assignee_id: Some(me) }); }) });
            }
        }
        actions.extend(CONTROLS.iter().filter(|c| allowed(c.who)).map(control));
        actions
    });
}

/// Who may use one of the page's controls.
#[derive(Clone, Copy)]
enum Who {
    Anyone,
    Triager,
    /// The issue's reporter, or an admin.
    Editor,
    Admin,
}

/// A control the page already has, which a key (if any) and the command palette open.
struct Control {
    /// The key that opens it on the page, if one does.
    key: Option<&'static str>,
    label: &'static str,
    selector: &'static str,
    /// Focused (a field) rather than pressed (a button or a menu).
    focus: bool,
    who: Who,
}

impl Control {
    /// Focuses or presses the control; whether the page has it.
    fn open(&self) -> bool {
        if self.focus { crate::keys::focus(self.selector) } else { crate::keys::press(self.selector) }
    }
}

const CONTROLS: &[Control] = &[
    Control { key: Some("s"), label: "Set severity", selector: "[data-testid=severity-select]", focus: true, who: Who::Triager },
    Control { key: Some("t"), label: "Add or remove tags", selector: "[data-testid=tag-menu-button] > summary", focus: false, who: Who::Triager },
    Control { key: Some("a"), label: "Assign", selector: "[data-testid=assignee-button]", focus: false, who: Who::Triager },
    Control { key: None, label: "Watch, unwatch or unmute", selector: "[data-testid=watch-control] button", focus: false, who: Who::Anyone },
    Control { key: Some("r"), label: "Comment", selector: "#new-comment", focus: true, who: Who::Anyone },
    Control { key: Some("e"), label: "Edit", selector: "[data-testid=edit-issue]", focus: false, who: Who::Editor },
    // The page's own two steps: this opens the question, and a second choice deletes.
    Control { key: None, label: "Delete issue", selector: "[data-testid=delete-issue] button", focus: false, who: Who::Admin },
];

/// Decides once per issue what the page is; inside the transition, so the server waits for the
/// issue before rendering and the browser hydrates the same markup.
#[component]
fn IssueBody(
    issue: Resource<Result<IssueDetail, AppError>>,
    actions: Actions,
    reload: RwSignal<u32>,
    timeline_changes: Signal<usize>,
) -> impl IntoView {
    let outcome = Memo::new(move |_| {
        issue.get().map(|result| match result {
            Ok(detail) => Outcome::Shown(detail.summary.id),
            Err(AppError::Unauthorized) => Outcome::SignIn,
            Err(AppError::NotFound) => Outcome::NotFound,
            Err(err) => Outcome::Failed(err.to_string()),
        })
    });
    // Once shown, the issue stays as last loaded when a reload fails (it was deleted, or access
    // ended): the page then turns to the outcome, and nothing in the parts being taken down sees
    // the issue vanish first.
    let detail = Memo::new(move |shown: Option<&Option<IssueDetail>>| issue.get().and_then(Result::ok).or_else(|| shown.cloned().flatten()));
    move || match outcome.get() {
        None => ().into_any(),
        Some(Outcome::SignIn) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
        Some(Outcome::NotFound) => view! {
            <Title text="Issue not found"/>
            <h1 class="text-2xl font-semibold">"Issue not found"</h1>
            <p class="mt-2">"It does not exist, or you cannot see it. " <a href="/issues" class="text-indigo-600 underline">"Back to the issues"</a></p>
        }
        .into_any(),
        Some(Outcome::Failed(message)) => view! { <p role="alert">{message}</p> }.into_any(),
        Some(Outcome::Shown(id)) => view! { <IssueView id detail actions reload timeline_changes/> }.into_any(),
    }
}

/// The issue itself. Every value reads the latest load; the parts are never rebuilt.
#[component]
fn IssueView(id: i64, detail: Memo<Option<IssueDetail>>, actions: Actions, reload: RwSignal<u32>, timeline_changes: Signal<usize>) -> impl IntoView {
    let auth = crate::auth::components::use_auth();
    let user = move || auth.user.get().and_then(Result::ok).flatten();
    let can_triage = Memo::new(move |_| user().is_some_and(|u| u.can_triage()));
    let is_admin = Memo::new(move |_| user().is_some_and(|u| u.is_admin()));
    let field = move |read: fn(&IssueDetail) -> String| Memo::new(move |_| detail.with(|d| d.as_ref().map(read).unwrap_or_default()));
    let title = field(|d| d.summary.title.clone());
    let reporter = Memo::new(move |_| detail.with(|d| d.as_ref().map(|d| d.summary.reporter.clone())));
    let description_html = field(|d| d.description_html.clone());
    let template = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|d| d.template.as_ref().map(|t| t.name.clone()))));
    let summary = move || detail.get().map(|d| d.summary);
    let status = Signal::derive(move || summary().map_or(Status::Open, |s| s.status));
    let severity = Memo::new(move |_| summary().map_or(crate::domain::Severity::Medium, |s| s.severity));
    let version = Signal::derive(move || summary().map_or(0, |s| s.version));
    let tags = Signal::derive(move || summary().map(|s| s.tags).unwrap_or_default());
    let assignee = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|d| d.summary.assignee.clone())));
    let me = Signal::derive(move || user().map(|u| u.id));
    let created_at = detail.get_untracked().map(|d| d.summary.created_at).unwrap_or_default();
    let all_tags = Resource::new(|| (), |_| list_tags());
    view! {
        <Title text=move || format!("#{id} {}", title.get())/>
        <EditIssue detail update=actions.update reload/>
        <p class="text-sm"><a href="/issues" class="text-indigo-600 underline dark:text-indigo-400">"← Issues"</a></p>
        <h1 class="mt-2 break-words text-2xl font-semibold">{move || title.get()} " " <span class="text-slate-500">"#"{id}</span></h1>
        <div class="mt-2 flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
            <Show when=move || !can_triage.get()>
                {move || view! { <super::components::StatusBadge status=status.get()/> }}
                {move || view! { <SeverityBadge severity=severity.get()/> }}
            </Show>
            <span>"Filed by " {move || reporter.get().map(|person| view! { <PersonLink person class="font-medium"/> })} " " <Timestamp at=created_at/>
                {move || template.get().map(|name| view! { <span data-testid="filed-from">" from the " <span class="font-medium">{name}</span> " template"</span> })}
            </span>
            <Show when=move || !can_triage.get()>
                <span class="flex flex-wrap gap-1" data-testid="tags">
                    {move || tags.get().into_iter().map(|tag| {
                        let href = format!("/issues?tag={}", super::model::encode(&tag.name));
                        view! { <crate::tags::components::TagChip tag href/> }
                    }).collect_view()}
                </span>
            </Show>
        </div>
        <div class="mt-3">
            <AssigneeControl issue_id=id assignee version can_assign=can_triage me action=actions.assign/>
        </div>
        <Show when=move || can_triage.get()>
            <div class="mt-4 flex flex-wrap items-center gap-x-6 gap-y-3 rounded border border-slate-200 p-3 dark:border-slate-800" data-testid="triage">
                <TransitionControl issue_id=id status version action=actions.transition/>
                <SeverityMenu issue_id=id severity version action=actions.severity/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let all = all_tags.await.unwrap_or_default();
                        view! { <TagMenu issue_id=id chosen=tags version all action=actions.tags/> }
                    })}
                </Transition>
                <p class="hidden text-xs text-slate-500 sm:block dark:text-slate-400">
                    <kbd class="kbd">"]"</kbd> " next stage · " <kbd class="kbd">"["</kbd> " previous stage"
                </p>
            </div>
        </Show>
        <div class="mt-3"><crate::notifications::components::WatchControl issue_id=id/></div>
        <article class="markdown mt-6 break-words" data-testid="description" inner_html=move || description_html.get()></article>
        <crate::attachments::components::Attachments issue_id=id/>
        <crate::comments::components::Timeline issue_id=id changes=timeline_changes/>
        <Show when=move || is_admin.get()>
            <DeleteButton issue_id=id action=actions.delete/>
        </Show>
    }
}

/// Deleting takes two clicks: the first asks, the second deletes.
#[component]
fn DeleteButton(issue_id: i64, action: ServerAction<DeleteIssue>) -> impl IntoView {
    view! {
        <div class="mt-8 border-t border-slate-200 pt-4 dark:border-slate-800" data-testid="delete-issue">
            <crate::layout::TwoStep label="Delete issue">
                <ActionForm action attr:class="flex flex-wrap items-center gap-3 text-sm">
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
fn EditIssue(detail: Memo<Option<IssueDetail>>, update: ServerAction<UpdateIssue>, reload: RwSignal<u32>) -> impl IntoView {
    let auth = crate::auth::components::use_auth();
    let editing = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let issue_id = detail.get_untracked().map(|d| d.summary.id);
    let picker = crate::notifications::components::MentionPicker::new("edit-description", issue_id, description, textarea);
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let stale = move || matches!(error.get(), Some(AppError::StaleVersion { .. }));
    // A successful save closes the editor.
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_))) {
            editing.set(false);
        }
    });
    let current = move || detail.get();
    let may_edit = move || {
        let user = auth.user.get().and_then(Result::ok).flatten();
        match (user, current()) {
            (Some(user), Some(detail)) => user.is_admin() || user.id == detail.summary.reporter.id,
            _ => false,
        }
    };
    // The version the text in the editor is based on; saving names it, so a change that
    // arrives live is never overwritten without the user choosing to.
    let base = RwSignal::new(None::<i64>);
    let load = move || {
        if let Some(detail) = detail.get_untracked() {
            title.set(detail.summary.title.clone());
            description.set(detail.description.clone());
            base.set(Some(detail.summary.version));
        }
    };
    let open = move |_| {
        load();
        editing.set(true);
    };
    let latest = move || current().map(|d| d.summary.version);
    let changed_underneath = move || editing.get() && base.get().is_some() && latest() != base.get();
    view! {
        <Show when=move || may_edit() && !editing.get()>
            <button type="button" class="float-right text-sm text-indigo-600 underline dark:text-indigo-400" on:click=open data-testid="edit-issue" title="Edit (e)">"Edit"</button>
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
                        <button type="button" class="underline" on:click=move |_| base.set(latest())>"Keep my text"</button>
                        " (saving applies it on top) or "
                        <button type="button" class="underline" on:click=move |_| load()>"Start from theirs"</button>
                        "."
                    </div>
                </Show>
                <input type="hidden" name="issue_id" prop:value=move || current().map(|d| d.summary.id.to_string()).unwrap_or_default()/>
                <input type="hidden" name="version" prop:value=move || base.get().map(|v| v.to_string()).unwrap_or_default()/>
                <label class="text-sm font-medium" for="edit-title">"Title"</label>
                <input id="edit-title" name="title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) class="field-input"/>
                <p class="text-sm text-red-600" data-field-error="title">{move || crate::auth::components::field_message(&error.get(), "title")}</p>
                <label class="text-sm font-medium" for="edit-description">"Description (markdown)"</label>
                <textarea id="edit-description" name="description" rows="10" prop:value=move || description.get() node_ref=textarea
                    aria-autocomplete="list" aria-controls=move || picker.list_id()
                    aria-activedescendant=move || picker.active_option()
                    on:input=move |ev| { description.set(event_target_value(&ev)); picker.follow(); }
                    on:keydown=move |ev| picker.key(&ev) on:click=move |_| picker.follow()
                    class="field-input font-mono text-sm"></textarea>
                <crate::notifications::components::MentionList picker/>
                <div class="flex gap-3">
                    <button type="submit" class="btn-primary">"Save"</button>
                    <button type="button" class="underline" on:click=move |_| editing.set(false)>"Cancel"</button>
                </div>
            </ActionForm>
        </Show>
    }
}
