//! The bell in the header and the watch control on an issue's page.
use super::api::{SetIssueWatching, issue_watching, read_issue_notifications, unread_notifications};
use crate::{auth::components::use_auth, domain::WatchState, live::use_live};
use leptos::prelude::*;

/// The bell: a link to the inbox with the unread count, which follows the socket's inbox
/// notices, so it changes without a reload.
#[component]
pub fn Bell() -> impl IntoView {
    let live = use_live();
    let auth = use_auth();
    // Keyed on what changes who is signed in, not on the user resource itself: the key must be
    // the same on the server and in the browser for the page to hydrate.
    let signings = move || auth.log_in.version().get() + auth.sign_up.version().get() + auth.log_out.version().get();
    let count = Resource::new(
        move || (signings(), live.inbox.get()),
        move |_| async move {
            match auth.user.await {
                Ok(Some(_)) => unread_notifications().await.ok(),
                _ => None,
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                count.await.map(|unread| {
                    let label = match unread {
                        0 => "Notifications, none unread".to_owned(),
                        1 => "Notifications, 1 unread".to_owned(),
                        n => format!("Notifications, {n} unread"),
                    };
                    view! {
                        <a href="/notifications" class="relative inline-flex h-8 w-8 items-center justify-center rounded-full hover:bg-slate-100 dark:hover:bg-slate-800" aria-label=label.clone() title=label data-testid="bell">
                            <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
                                <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/>
                                <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>
                            </svg>
                            {(unread > 0).then(|| view! {
                                <span class="absolute -right-1 -top-1 min-w-[1.25rem] rounded-full bg-red-600 px-1 text-center text-xs font-semibold leading-5 text-white" data-testid="bell-count">
                                    {if unread > 99 { "99+".to_owned() } else { unread.to_string() }}
                                </span>
                            })}
                        </a>
                    }
                })
            })}
        </Transition>
    }
}

/// Whether the reader watches this issue, with buttons to watch, unwatch, mute or unmute.
/// While the page is open, the issue's notifications are read: on arrival and with every live
/// change to it.
#[component]
pub fn WatchControl(issue_id: i64) -> impl IntoView {
    let live = use_live();
    let set = ServerAction::<SetIssueWatching>::new();
    let watching = Resource::new(move || set.version().get(), move |_| issue_watching(issue_id));
    let changes = live.changes_to(Memo::new(move |_| Some(issue_id)));
    Effect::new(move |_| {
        changes.track();
        leptos::task::spawn_local(async move {
            let _ = read_issue_notifications(issue_id).await;
        });
    });
    let button = "rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
    let choose = move |state: WatchState| {
        set.dispatch(SetIssueWatching { issue_id, state });
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                watching.await.ok().map(|watching| {
                    let (words, buttons): (&str, Vec<(&str, WatchState)>) = match watching.state {
                        WatchState::Watching if watching.implicit => ("You get notifications about this issue.", vec![("Unwatch", WatchState::Unwatched), ("Mute", WatchState::Muted)]),
                        WatchState::Watching => ("You are watching this issue.", vec![("Unwatch", WatchState::Unwatched), ("Mute", WatchState::Muted)]),
                        WatchState::Unwatched => ("You are not watching this issue.", vec![("Watch", WatchState::Watching)]),
                        WatchState::Muted => ("Muted: only mentions of you notify you.", vec![("Unmute", WatchState::Watching)]),
                    };
                    view! {
                        <div class="flex flex-wrap items-center gap-2 text-sm" data-testid="watch-control">
                            <span class="text-slate-600 dark:text-slate-400" data-testid="watch-state">{words}</span>
                            {buttons.into_iter().map(|(label, state)| view! {
                                <button type="button" class=button on:click=move |_| choose(state)>{label}</button>
                            }).collect_view()}
                        </div>
                    }
                })
            })}
        </Transition>
    }
}

/// Suggestions while typing `@` in a text: the people who may see the issue, filtered by what
/// follows the `@`. The host textarea keeps the focus throughout: it passes its input and key
/// presses here, and the list is chosen from with the arrow keys and Enter or Tab (Esc closes
/// it) or with the mouse.
#[derive(Clone, Copy)]
pub struct MentionPicker {
    text: RwSignal<String>,
    textarea: NodeRef<leptos::html::Textarea>,
    /// The `@` being typed: its byte offset and the handle typed so far.
    typing: RwSignal<Option<(usize, String)>>,
    active: RwSignal<usize>,
    people: Resource<Vec<crate::people::model::Person>>,
    list_id: StoredValue<String>,
}

impl MentionPicker {
    /// A picker for the textarea at `textarea`, whose text is `text`, on issue `issue_id` (none
    /// while filing). `name` makes the list's id unique on the page.
    pub fn new(name: &str, issue_id: Option<i64>, text: RwSignal<String>, textarea: NodeRef<leptos::html::Textarea>) -> MentionPicker {
        let typing = RwSignal::new(None::<(usize, String)>);
        let typed = Memo::new(move |_| typing.get().map(|(_, typed)| typed));
        let people = Resource::new(move || typed.get(), move |typed| async move {
            match typed {
                Some(typed) => super::api::mention_candidates(issue_id, typed).await.unwrap_or_default(),
                None => Vec::new(),
            }
        });
        MentionPicker { text, textarea, typing, active: RwSignal::new(0), people, list_id: StoredValue::new(format!("mentions-{name}")) }
    }

    fn open(self) -> bool {
        self.typing.with(Option::is_some) && self.people.with(|p| p.as_ref().is_some_and(|p| !p.is_empty()))
    }

    /// After each input or caret move: is an `@handle` being typed at the caret?
    pub fn follow(self) {
        let Some(textarea) = self.textarea.get_untracked() else { return };
        let caret = textarea.selection_start().ok().flatten().unwrap_or(0);
        let found = self.text.with_untracked(|text| crate::people::model::mention_before(text, crate::people::model::byte_offset(text, caret)));
        if found != self.typing.get_untracked() {
            self.active.set(0);
            self.typing.set(found);
        }
    }

    /// Arrow keys move through the list, Enter or Tab choose, Esc closes it: only while it is open.
    pub fn key(self, event: &leptos::ev::KeyboardEvent) {
        if !self.open() {
            return;
        }
        let count = self.people.with_untracked(|p| p.as_ref().map_or(0, Vec::len));
        match event.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" => self.active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab" => {
                let chosen = self.people.with_untracked(|p| p.as_ref().and_then(|p| p.get(self.active.get_untracked()).cloned()));
                if let Some(person) = chosen {
                    self.choose(&person.handle);
                }
            }
            "Escape" => {
                self.typing.set(None);
                event.stop_propagation();
            }
            _ => return,
        }
        event.prevent_default();
    }

    /// Puts `@handle ` in place of what was typed, and the caret after it.
    fn choose(self, handle: &str) {
        let Some((at, typed)) = self.typing.get_untracked() else { return };
        let inserted = format!("@{handle} ");
        let mut caret_units = 0u32;
        self.text.update(|text| {
            let end = (at + 1 + typed.len()).min(text.len());
            text.replace_range(at..end, &inserted);
            caret_units = text[..at + inserted.len()].encode_utf16().count() as u32;
        });
        self.typing.set(None);
        if let Some(textarea) = self.textarea.get_untracked() {
            textarea.set_value(&self.text.get_untracked());
            let _ = textarea.set_selection_range(caret_units, caret_units);
            let _ = textarea.focus();
        }
    }

    /// The list's id, for the textarea's `aria-controls`: only while it shows (an id of nothing
    /// on the page is not a valid value).
    pub fn list_id(self) -> Option<String> {
        self.open().then(|| self.list_id.get_value())
    }

    /// The option the arrow keys are on, for the textarea's `aria-activedescendant`.
    pub fn active_option(self) -> Option<String> {
        self.open().then(|| format!("{}-{}", self.list_id.get_value(), self.active.get()))
    }

}

/// The suggestion list of a [`MentionPicker`], shown under its textarea while an `@` is typed.
#[component]
pub fn MentionList(picker: MentionPicker) -> impl IntoView {
    view! {
        <Show when=move || picker.open()>
            <ul id=move || picker.list_id.get_value() role="listbox" aria-label="People to mention" data-testid="mention-list"
                class="z-10 mt-1 max-h-60 w-full max-w-sm overflow-auto rounded border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
                {move || picker.people.get().unwrap_or_default().into_iter().enumerate().map(|(index, person)| {
                    let handle = person.handle.clone();
                    let selected = move || picker.active.get() == index;
                    view! {
                        <li id=format!("{}-{index}", picker.list_id.get_value()) role="option" aria-selected=move || selected().to_string()
                            class="flex cursor-pointer items-baseline gap-2 px-3 py-1"
                            class=("bg-indigo-100", selected) class=("dark:bg-indigo-900", selected)
                            // Chosen on press, before the textarea could lose focus.
                            on:mousedown=move |event| {
                                event.prevent_default();
                                picker.choose(&handle);
                            }>
                            <span class="font-medium">{person.display_name.clone()}</span>
                            <span class="text-slate-500 dark:text-slate-400">"@"{person.handle.clone()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}
