//! The issue page's owner control: a picker of maintainers and admins (type to narrow, arrow
//! keys and Enter choose, Escape closes) with an "Unassign" choice, and "Assign to me". Its
//! state lives here, so a live update of the issue never resets what is typed in it.
use super::api::{AssignIssue, list_assignable};
use crate::people::{components::Avatar, model::Person};
use leptos::{html, prelude::*};

/// One choice of the picker: nobody, or a person.
#[derive(Clone, PartialEq)]
enum Choice {
    Nobody,
    Someone(Person),
}

/// The choices matching `needle` (in a name or handle): "Unassign" first while someone is
/// assigned, then the people.
fn choices(people: &[Person], needle: &str, assigned: bool) -> Vec<Choice> {
    let needle = needle.trim().trim_start_matches('@').to_lowercase();
    let matches = |p: &Person| needle.is_empty() || p.display_name.to_lowercase().contains(&needle) || p.handle.contains(&needle);
    let nobody = (assigned && (needle.is_empty() || "unassign nobody".contains(&needle))).then_some(Choice::Nobody);
    nobody.into_iter().chain(people.iter().filter(|p| matches(p)).cloned().map(Choice::Someone)).collect()
}

/// The assignee with a picker and "Assign to me" for triagers; read-only for everyone else.
#[component]
pub fn AssigneeControl(
    issue_id: i64,
    #[prop(into)] assignee: Signal<Option<Person>>,
    #[prop(into)] version: Signal<i64>,
    #[prop(into)] can_assign: Signal<bool>,
    /// The signed-in user's account id.
    #[prop(into)]
    me: Signal<Option<i64>>,
    action: ServerAction<AssignIssue>,
) -> impl IntoView {
    let shown = move || match assignee.get() {
        Some(person) => view! {
            <span class="inline-flex items-center gap-1"><Avatar person=person.clone() decorative=true/><span>{person.display_name}</span></span>
        }.into_any(),
        None => view! { <span class="text-slate-500 dark:text-slate-400">"Nobody"</span> }.into_any(),
    };
    let assign = move |assignee_id: Option<i64>| {
        action.dispatch(AssignIssue { issue_id, version: version.get_untracked(), assignee_id });
    };
    let not_mine = move || me.get().is_some() && assignee.get().map(|p| p.id) != me.get();
    view! {
        <div class="flex flex-wrap items-center gap-2 text-sm" data-testid="assignee">
            <span class="text-slate-500 dark:text-slate-400" id="assignee-label">"Assignee"</span>
            <Show when=move || can_assign.get() fallback=move || view! { <span data-testid="assignee-name">{shown}</span> }>
                <Picker assignee assign/>
                <Show when=not_mine>
                    <button type="button" class="text-indigo-600 underline dark:text-indigo-400" disabled=move || action.pending().get()
                        on:click=move |_| assign(me.get_untracked())>
                        "Assign to me"
                    </button>
                </Show>
            </Show>
        </div>
    }
    // Type-erased: the issue page's view is deep enough already for rendering on the server.
    .into_any()
}

/// The button showing the assignee, and the list that opens from it.
#[component]
fn Picker(assignee: Signal<Option<Person>>, assign: impl Fn(Option<i64>) + Copy + Send + Sync + 'static) -> impl IntoView {
    let open = RwSignal::new(false);
    let needle = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let people = RwSignal::new(None::<Vec<Person>>);
    let button = NodeRef::<html::Button>::new();
    let input = NodeRef::<html::Input>::new();
    let shown = Memo::new(move |_| people.with(|p| choices(p.as_deref().unwrap_or_default(), &needle.get(), assignee.with(Option::is_some))));
    let close = move |refocus: bool| {
        open.set(false);
        needle.set(String::new());
        if refocus && let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let toggle = move |_| {
        if open.get_untracked() {
            close(false);
            return;
        }
        active.set(0);
        open.set(true);
        if people.with_untracked(Option::is_none) {
            leptos::task::spawn_local(async move {
                if let Ok(list) = list_assignable().await {
                    people.set(Some(list));
                }
            });
        }
        request_animation_frame(move || {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
        });
    };
    let choose = move |choice: Choice| {
        let current = assignee.get_untracked().map(|p| p.id);
        let wanted = match choice {
            Choice::Nobody => None,
            Choice::Someone(person) => Some(person.id),
        };
        close(true);
        if wanted != current {
            assign(wanted);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => active.set((active.get_untracked() + 1) % count),
            "ArrowUp" if count > 0 => active.set((active.get_untracked() + count - 1) % count),
            "Home" => active.set(0),
            "End" if count > 0 => active.set(count - 1),
            "Enter" => {
                if let Some(choice) = shown.with_untracked(|s| s.get(active.get_untracked()).cloned()) {
                    choose(choice);
                }
            }
            "Escape" => close(true),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    let option_id = |i: usize| format!("assignee-option-{i}");
    view! {
        // Focus leaving the picker (Tab away, a click elsewhere) closes it; moving between its
        // button and its list does not.
        <div class="relative inline-block" on:focusout=move |ev: leptos::ev::FocusEvent| {
            let node = |t: Option<leptos::web_sys::EventTarget>| t.and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Node>(t).ok());
            let inside = node(ev.related_target()).zip(node(ev.current_target())).is_some_and(|(to, root)| root.contains(Some(&to)));
            if !inside && open.get_untracked() {
                close(false);
            }
        }>
            <button type="button" node_ref=button class="menu-button gap-1" aria-haspopup="listbox" aria-expanded=move || open.get().to_string()
                aria-labelledby="assignee-label assignee-button-text" on:click=toggle data-testid="assignee-button">
                <span id="assignee-button-text" class="inline-flex items-center gap-1">
                    {move || match assignee.get() {
                        Some(person) => view! { <Avatar person=person.clone() decorative=true/><span>{person.display_name}</span> }.into_any(),
                        None => view! { <span>"Nobody"</span> }.into_any(),
                    }}
                </span>
                <span aria-hidden="true" class="ml-1 text-xs">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-panel left-0">
                    <input type="text" node_ref=input class="field-input mb-2 w-full" placeholder="Filter by name or handle"
                        role="combobox" aria-label="Filter people" aria-expanded="true" aria-controls="assignee-options" aria-autocomplete="list"
                        aria-activedescendant=move || (shown.with(|s| !s.is_empty())).then(|| option_id(active.get()))
                        prop:value=move || needle.get() on:input=move |ev| { needle.set(event_target_value(&ev)); active.set(0); }
                        on:keydown=on_key/>
                    <ul id="assignee-options" role="listbox" aria-label="Assignee" tabindex="-1">
                        {move || match people.get() {
                            None => view! { <li class="px-2 py-1 text-slate-500" role="presentation">"Loading…"</li> }.into_any(),
                            Some(_) if shown.with(Vec::is_empty) => view! { <li class="px-2 py-1 text-slate-500" role="presentation">"Nobody matches."</li> }.into_any(),
                            Some(_) => shown.get().into_iter().enumerate().map(|(i, choice)| {
                                let selected = match &choice {
                                    Choice::Nobody => false,
                                    Choice::Someone(p) => assignee.with(|a| a.as_ref().is_some_and(|a| a.id == p.id)),
                                };
                                let label = match &choice {
                                    Choice::Nobody => view! { <span>"Unassign"</span> }.into_any(),
                                    Choice::Someone(p) => view! {
                                        <Avatar person=p.clone() decorative=true/>
                                        <span>{p.display_name.clone()}</span>
                                        <span class="text-xs text-slate-500 dark:text-slate-400">"@"{p.handle.clone()}</span>
                                    }.into_any(),
                                };
                                view! {
                                    <li id=option_id(i) role="option" aria-selected=selected.to_string()
                                        class=move || format!("menu-item flex cursor-pointer items-center gap-2 {}", if active.get() == i { "bg-slate-100 dark:bg-slate-800" } else { "" })
                                        on:mousemove=move |_| active.set(i)
                                        on:mousedown=move |ev| ev.prevent_default()
                                        on:click=move |_| choose(choice.clone())>
                                        {label}
                                    </li>
                                }
                            }).collect_view().into_any(),
                        }}
                    </ul>
                </div>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, handle: &str, name: &str) -> Person {
        Person { id, handle: handle.into(), display_name: name.into() }
    }

    #[test]
    fn typing_narrows_by_name_or_handle_and_unassign_comes_first() {
        let people = [person(1, "ana", "Ana López"), person(2, "bo", "Bo Li")];
        assert_eq!(choices(&people, "", true).len(), 3);
        assert!(matches!(choices(&people, "", true)[0], Choice::Nobody));
        assert_eq!(choices(&people, "", false).len(), 2);
        assert!(matches!(&choices(&people, "lóp", false)[..], [Choice::Someone(p)] if p.id == 1));
        assert!(matches!(&choices(&people, "@BO", false)[..], [Choice::Someone(p)] if p.id == 2));
        assert!(choices(&people, "zed", true).is_empty());
    }
}
