//! The search box's suggestion list: the keys and values [`super::suggest`] finds for the word
//! at the caret, chosen with the arrow keys and Enter or Tab (Esc closes the list) or the mouse,
//! while the box keeps the focus.
use super::suggest::{Suggestion, Typing, Wants, apply, suggestions, typing_at};
use crate::{people::model::Person, tags::model::Tag};
use leptos::prelude::*;

const LIST_ID: &str = "query-suggestions";

/// The list's state, owned by the search form.
#[derive(Clone, Copy)]
pub struct QueryPicker {
    text: RwSignal<String>,
    input: NodeRef<leptos::html::Input>,
    typing: RwSignal<Option<Typing>>,
    /// The option the arrow keys are on; none until one is pressed, so Enter still searches.
    active: RwSignal<Option<usize>>,
    people: RwSignal<Vec<Person>>,
    /// Which people request is the latest: an older answer that comes after it is dropped.
    asked: StoredValue<u64>,
    found: Memo<Vec<Suggestion>>,
}

impl QueryPicker {
    /// A list for the box at `input`, whose text is `text`, suggesting from `tags`.
    pub fn new(text: RwSignal<String>, input: NodeRef<leptos::html::Input>, tags: StoredValue<Vec<Tag>>) -> QueryPicker {
        let typing = RwSignal::new(None::<Typing>);
        let people = RwSignal::new(Vec::new());
        let found = Memo::new(move |_| {
            let Some(typing) = typing.get() else { return Vec::new() };
            let names: Vec<String> = tags.with_value(|tags| tags.iter().map(|tag| tag.name.clone()).collect());
            let word = text.with(|text| text.get(typing.start..typing.end).unwrap_or_default().to_owned());
            // A word typed out in full needs no suggestion.
            people.with(|people| suggestions(&typing, &names, people)).into_iter().filter(|s| s.text.trim_end() != word).collect()
        });
        QueryPicker { text, input, typing, active: RwSignal::new(None), people, asked: StoredValue::new(0), found }
    }

    fn open(self) -> bool {
        self.found.with(|found| !found.is_empty())
    }

    /// Closes the list (the box lost the focus, or a search was made).
    pub fn close(self) {
        self.typing.set(None);
        self.active.set(None);
    }

    /// After each input or caret move: what is the word at the caret asking for?
    pub fn follow(self) {
        let Some(input) = self.input.get_untracked() else { return };
        let caret = input.selection_start().ok().flatten().unwrap_or(0);
        let found = self.text.with_untracked(|text| typing_at(text, crate::people::model::byte_offset(text, caret)));
        if found == self.typing.get_untracked() {
            return;
        }
        let people_for = |typing: &Option<Typing>| match typing.as_ref().map(|t| &t.wants) {
            Some(Wants::Value { key, typed, .. }) if key == "assignee" || key == "reporter" => Some((key.clone(), typed.clone())),
            _ => None,
        };
        let wanted = people_for(&found);
        if wanted != people_for(&self.typing.get_untracked()) {
            self.ask_people(wanted);
        }
        self.active.set(None);
        self.typing.set(Some(found).flatten());
    }

    /// Asks the server for the people `wanted` (a key and what was typed) may name.
    fn ask_people(self, wanted: Option<(String, String)>) {
        let asked = self.asked.get_value() + 1;
        self.asked.set_value(asked);
        let Some((key, typed)) = wanted else {
            self.people.set(Vec::new());
            return;
        };
        leptos::task::spawn_local(async move {
            let people = super::api::query_people(key, typed).await.unwrap_or_default();
            // The page may be gone, or a newer request sent, by the time the answer comes.
            if self.asked.try_get_value() == Some(asked) {
                self.people.try_set(people);
            }
        });
    }

    /// Arrow keys move through the list, Enter or Tab choose, Esc closes it: only while it is open.
    pub fn key(self, event: &leptos::ev::KeyboardEvent) {
        if !self.open() {
            return;
        }
        let count = self.found.with_untracked(Vec::len);
        let active = self.active.get_untracked();
        match event.key().as_str() {
            "ArrowDown" => self.active.set(Some(active.map_or(0, |a| (a + 1) % count))),
            "ArrowUp" => self.active.set(Some(active.map_or(count - 1, |a| (a + count - 1) % count))),
            // Enter with no option chosen searches, as the box always did.
            "Enter" if active.is_none() => return,
            "Enter" | "Tab" => self.choose(active.unwrap_or(0)),
            "Escape" => {
                self.close();
                event.stop_propagation();
            }
            _ => return,
        }
        event.prevent_default();
    }

    /// Puts suggestion `index` in place of the word being typed, and the caret after it.
    fn choose(self, index: usize) {
        let Some(typing) = self.typing.get_untracked() else { return };
        let Some(suggestion) = self.found.with_untracked(|found| found.get(index).cloned()) else { return };
        let (text, caret) = self.text.with_untracked(|text| apply(text, &typing, &suggestion));
        let caret_units = text[..caret].encode_utf16().count() as u32;
        self.text.set(text.clone());
        if let Some(input) = self.input.get_untracked() {
            input.set_value(&text);
            let _ = input.set_selection_range(caret_units, caret_units);
            let _ = input.focus();
        }
        // A key chosen goes straight on to its values.
        self.follow();
    }

    /// The list's id, for the box's `aria-controls`.
    pub fn list_id(self) -> &'static str {
        LIST_ID
    }

    /// The option the arrow keys are on, for the box's `aria-activedescendant`.
    pub fn active_option(self) -> Option<String> {
        self.active.get().filter(|_| self.open()).map(|index| format!("{LIST_ID}-{index}"))
    }

    /// Whether the list shows, for the box's `aria-expanded`.
    pub fn expanded(self) -> bool {
        self.open()
    }
}

/// The suggestions under the search box while a key or a value is being typed.
#[component]
pub fn QueryList(picker: QueryPicker) -> impl IntoView {
    view! {
        <Show when=move || picker.open()>
            <ul id=LIST_ID role="listbox" aria-label="Suggestions" data-testid="query-suggestions"
                class="absolute left-0 top-full z-20 mt-1 max-h-72 w-full max-w-md overflow-auto rounded border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
                {move || picker.found.get().into_iter().enumerate().map(|(index, suggestion)| {
                    let selected = move || picker.active.get() == Some(index);
                    view! {
                        <li id=format!("{LIST_ID}-{index}") role="option" aria-selected=move || selected().to_string()
                            class="flex cursor-pointer items-baseline justify-between gap-3 px-3 py-1"
                            class=("bg-indigo-100", selected) class=("dark:bg-indigo-900", selected)
                            // Chosen on press, before the box could lose the focus.
                            on:mousedown=move |event| {
                                event.prevent_default();
                                picker.choose(index);
                            }>
                            <span class="font-mono">{suggestion.label}</span>
                            <span class="truncate text-slate-600 dark:text-slate-300">{suggestion.hint}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}
