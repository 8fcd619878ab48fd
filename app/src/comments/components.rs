//! The timeline on the issue page: comments and recorded changes, and the comment form.
use super::{
    api::{AddComment, DeleteComment, EditComment, get_timeline},
    model::{Activity, Comment, TimelineEntry},
};
use crate::{auth::components::field_message, error::AppError, layout::TwoStep, people::components::PersonLink, time::Timestamp};
use leptos::prelude::*;

const TEXTAREA: &str = "w-full rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900";

/// Comments and changes in time order, then the form for a new comment. Reloads when
/// `changes` moves (a change on the page or arriving live) and after each comment action. Each
/// entry keeps its place in the list across reloads, and what is typed in a comment's editor
/// is kept by the timeline, so a reload never loses it.
#[component]
pub fn Timeline(issue_id: i64, #[prop(into)] changes: Signal<usize>) -> impl IntoView {
    let add = ServerAction::<AddComment>::new();
    let edit = ServerAction::<EditComment>::new();
    let delete = ServerAction::<DeleteComment>::new();
    let entries = Resource::new(
        move || (changes.get(), add.version().get() + edit.version().get() + delete.version().get()),
        move |_| get_timeline(issue_id),
    );
    let row_error = Signal::derive(move || edit.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err)));
    let drafts = Drafts::default();
    let shown = move || entries.get().and_then(Result::ok).map(super::model::fold_filing).unwrap_or_default();
    let failed = move || entries.get().and_then(Result::err).map(|err| err.to_string());
    // A link to a change (`#comment-12`, from a notification) scrolls to it once it is shown:
    // after navigating in the app, the entries arrive after the address changed.
    #[cfg(feature = "hydrate")]
    Effect::new(move |scrolled: Option<bool>| {
        if scrolled == Some(true) || entries.with(|e| e.is_none()) {
            return scrolled.unwrap_or(false);
        }
        let hash = window().location().hash().unwrap_or_default();
        let target = hash.strip_prefix('#').filter(|id| !id.is_empty()).map(str::to_owned);
        if let Some(id) = target {
            request_animation_frame(move || {
                if let Some(element) = document().get_element_by_id(&id) {
                    element.scroll_into_view();
                }
            });
        }
        true
    });
    view! {
        <section aria-label="Timeline" class="mt-8 border-t border-slate-200 pt-4 dark:border-slate-800">
            <h2 class="text-lg font-semibold">"Activity"</h2>
            <crate::auth::components::FormError error=row_error/>
            <Transition fallback=|| view! { <p role="status">"Loading the timeline…"</p> }>
                <ol class="mt-3 flex flex-col gap-3" data-testid="timeline">
                    <For each=shown key=entry_key let(entry)>
                        {match entry {
                            TimelineEntry::Comment(comment) => view! { <CommentCard comment edit delete drafts/> }.into_any(),
                            TimelineEntry::Activity(activity) => view! { <ActivityLine activity/> }.into_any(),
                        }}
                    </For>
                </ol>
                {move || failed().map(|message| view! { <p role="alert">{message}</p> })}
            </Transition>
            <NewComment issue_id add/>
        </section>
    }
}

/// What identifies an entry's rendering: a comment is drawn again only when it changed.
fn entry_key(entry: &TimelineEntry) -> (bool, i64, Option<chrono::DateTime<chrono::Utc>>, bool, Option<String>) {
    match entry {
        TimelineEntry::Comment(c) => (true, c.id, c.edited_at, c.deleted, None),
        TimelineEntry::Activity(a) => (false, a.id, None, false, a.to.clone()),
    }
}

/// Open comment editors and their text, by comment: they outlive the cards.
#[derive(Clone, Copy, Default)]
struct Drafts {
    text: RwSignal<std::collections::HashMap<i64, String>>,
}

impl Drafts {
    fn editing(self, id: i64) -> bool {
        self.text.with(|t| t.contains_key(&id))
    }

    fn get(self, id: i64) -> String {
        self.text.with(|t| t.get(&id).cloned().unwrap_or_default())
    }

    fn set(self, id: i64, text: String) {
        self.text.update(|t| {
            t.insert(id, text);
        });
    }

    fn close(self, id: i64) {
        self.text.update(|t| {
            t.remove(&id);
        });
    }
}

#[component]
fn ActivityLine(activity: Activity) -> impl IntoView {
    view! {
        <li class="text-sm text-slate-600 dark:text-slate-400 target:rounded target:bg-amber-50 dark:target:bg-amber-950" id=format!("event-{}", activity.id) data-kind=activity.kind.as_str()>
            <PersonLink person=activity.actor.clone() class="font-medium text-slate-800 dark:text-slate-200"/>
            " " {activity.describe()} " · " <Timestamp at=activity.at/>
        </li>
    }
}

#[component]
fn CommentCard(comment: Comment, edit: ServerAction<EditComment>, delete: ServerAction<DeleteComment>, drafts: Drafts) -> impl IntoView {
    let Comment { id, issue_id, author, body, body_html, created_at, edited_at, deleted, can_edit, can_delete } = comment;
    if deleted {
        return view! {
            <li class="rounded border border-dashed border-slate-300 p-3 text-sm italic text-slate-500 dark:border-slate-700" id=format!("comment-{id}") data-comment-id=id>
                "A comment by " {author.display_name} " was deleted."
            </li>
        }
        .into_any();
    }
    // A successful save of this comment closes its editor.
    Effect::new(move |_| {
        if edit.value().get().and_then(Result::ok).is_some_and(|c| c.id == id) {
            drafts.close(id);
        }
    });
    let body = StoredValue::new(body);
    let toggle = move |_| if drafts.editing(id) { drafts.close(id) } else { drafts.set(id, body.get_value()) };
    view! {
        <li class="rounded border border-slate-200 target:ring-2 target:ring-amber-400 dark:border-slate-800" id=format!("comment-{id}") data-comment-id=id>
            <div class="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-sm dark:border-slate-800 dark:bg-slate-900">
                <PersonLink person=author class="font-medium break-all"/>
                <span class="text-slate-500">"commented " <Timestamp at=created_at/></span>
                {edited_at.map(|at| view! { <span class="text-xs text-slate-500" title=crate::time::exact(at)>"(edited)"</span> })}
                <span class="ml-auto flex flex-wrap gap-3">
                    {can_edit.then(|| view! { <crate::attachments::components::AttachToComment issue_id comment_id=id/> })}
                    {can_edit.then(|| view! {
                        <button type="button" class="text-indigo-600 underline dark:text-indigo-400" on:click=toggle>"Edit"</button>
                    })}
                    {can_delete.then(|| view! {
                        <TwoStep label="Delete" aria_label="Delete comment">
                            <ActionForm action=delete attr:class="flex flex-wrap items-center gap-2">
                                <input type="hidden" name="comment_id" value=id/>
                                <span>"Delete this comment?"</span>
                                <button type="submit" class="rounded bg-red-600 px-2 py-0.5 text-white">"Yes, delete"</button>
                            </ActionForm>
                        </TwoStep>
                    })}
                </span>
            </div>
            <Show
                when=move || drafts.editing(id)
                fallback=move || view! { <div class="markdown break-words px-3 py-2" inner_html=body_html.clone()></div> }
            >
                <ActionForm action=edit attr:class="flex flex-col gap-2 p-3">
                    <input type="hidden" name="comment_id" value=id/>
                    <textarea name="body" rows="4" aria-label="Edit comment" class=TEXTAREA
                        prop:value=move || drafts.get(id) on:input=move |ev| drafts.set(id, event_target_value(&ev))></textarea>
                    <button type="submit" class="self-start rounded bg-indigo-600 px-3 py-1 text-sm text-white">"Save comment"</button>
                </ActionForm>
            </Show>
        </li>
    }
    .into_any()
}

/// The form for a new comment; it empties after a successful post and keeps the text after an error.
#[component]
fn NewComment(issue_id: i64, add: ServerAction<AddComment>) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let picker = crate::notifications::components::MentionPicker::new("comment", Some(issue_id), draft, textarea);
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            draft.set(String::new());
        }
    });
    view! {
        <ActionForm action=add attr:class="mt-4 flex flex-col gap-2">
            <input type="hidden" name="issue_id" value=issue_id/>
            <label for="new-comment" class="text-sm font-medium">"Add a comment (markdown)"</label>
            <textarea id="new-comment" name="body" rows="4" class=TEXTAREA node_ref=textarea
                aria-autocomplete="list" aria-controls=move || picker.list_id()
                aria-activedescendant=move || picker.active_option()
                prop:value=move || draft.get()
                on:input=move |ev| { draft.set(event_target_value(&ev)); picker.follow(); }
                on:keydown=move |ev| picker.key(&ev) on:click=move |_| picker.follow()></textarea>
            <crate::notifications::components::MentionList picker/>
            <p class="text-sm text-red-600 dark:text-red-400" data-field-error="body">{move || field_message(&error.get(), "body")}</p>
            <Show when=move || matches!(error.get(), Some(ref e) if !matches!(e, AppError::Validation(_)))>
                <p role="alert" class="text-sm text-red-600">{move || error.get().map(|e| e.to_string())}</p>
            </Show>
            <button type="submit" class="self-start rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500" disabled=move || add.pending().get()>
                "Comment"
            </button>
        </ActionForm>
    }
}
