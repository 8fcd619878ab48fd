//! The command palette: Ctrl-K (Cmd-K on macOS) anywhere opens a dialog that finds issues by
//! number or by the server's full-text search (only what the person may see), the pages, and the
//! actions the page in view offers (the issue's triage, the list's selection). Arrow keys and
//! Enter choose; Esc closes and gives the focus back to where it was.
use crate::issues::model::IssueFilter;
use leptos::prelude::*;

/// An action the page in view offers the palette: its words, and what it does.
#[derive(Clone)]
pub struct Action {
    pub label: String,
    pub run: Callback<()>,
}

/// The actions the page in view offers, replaced as pages come and go.
#[derive(Clone, Copy)]
pub struct Offered(RwSignal<Vec<Action>>);

impl Offered {
    pub fn provide() {
        provide_context(Offered(RwSignal::new(Vec::new())));
    }

    /// Offers `actions` (followed as they change) while the calling page is open.
    pub fn offer(actions: impl Fn() -> Vec<Action> + Send + Sync + 'static) {
        let Some(Offered(offered)) = use_context::<Offered>() else { return };
        Effect::new(move |_| offered.set(actions()));
        on_cleanup(move || {
            offered.try_set(Vec::new());
        });
    }
}

/// One line of the palette.
#[derive(Clone)]
enum Entry {
    Go { label: String, hint: &'static str, href: String },
    Do(Action),
}

impl Entry {
    fn label(&self) -> &str {
        match self {
            Entry::Go { label, .. } | Entry::Do(Action { label, .. }) => label,
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            Entry::Go { hint, .. } => hint,
            Entry::Do(_) => "Action",
        }
    }
}

/// The pages `role` may open, as (name, address).
fn pages(can_triage: bool, is_admin: bool) -> Vec<(&'static str, &'static str)> {
    let mut pages = vec![("Issues", "/issues"), ("New issue", "/issues/new"), ("Dashboard", "/dashboard"), ("Notifications", "/notifications"), ("Profile", "/profile"), ("Notification settings", "/settings/notifications")];
    if can_triage {
        pages.extend([("Tags", "/tags"), ("Templates", "/templates")]);
    }
    if is_admin {
        pages.extend([("Users", "/admin/users"), ("Audit log", "/admin/audit")]);
    }
    pages
}

/// Whether every word of `typed` is in `label`, in any letter case.
fn matches(label: &str, typed: &str) -> bool {
    let label = label.to_lowercase();
    typed.to_lowercase().split_whitespace().all(|word| label.contains(word))
}

const LIST_ID: &str = "palette-options";

thread_local! {
    /// Where the focus was before the palette opened, to give it back (set only in the browser,
    /// where there is one thread; an element cannot live in the page's reactive state, which the
    /// server drops on other threads).
    static BEFORE: std::cell::RefCell<Option<leptos::web_sys::HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// Gives the focus back to where it was before the palette opened.
fn refocus() {
    if let Some(element) = BEFORE.with(|before| before.borrow_mut().take()) {
        let _ = element.focus();
    }
}

/// Closes the palette and gives the focus back.
fn close(open: RwSignal<bool>) {
    open.set(false);
    refocus();
}

/// The palette's keys, in every page's bundle; the dialog's code is loaded the first time it
/// opens (a lazy chunk, with `cargo leptos --split`).
#[component]
pub fn Palette() -> impl IntoView {
    let open = RwSignal::new(false);
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            if open.get_untracked() {
                close(open);
            } else {
                let focused = document().active_element().and_then(|e| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok());
                BEFORE.with(|before| *before.borrow_mut() = focused);
                open.set(true);
            }
        }
    });
    on_cleanup(move || listener.remove());
    move || open.get().then(|| Suspend::new(dialog(open)))
}

/// The open palette, from its own chunk of the bundle.
#[leptos::lazy]
fn dialog(open: RwSignal<bool>) -> AnyView {
    view! { <Dialog open/> }.into_any()
}

#[component]
fn Dialog(open: RwSignal<bool>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let active = RwSignal::new(0_usize);
    let found = RwSignal::new(Vec::<(i64, String)>::new());
    let asked = StoredValue::new(0_u64);
    let input = NodeRef::<leptos::html::Input>::new();
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    let auth = crate::auth::components::use_auth();
    let offered = use_context::<Offered>();

    let entries = Signal::derive(move || {
        let text = typed.get();
        let user = auth.user.get().and_then(Result::ok).flatten();
        let (can_triage, is_admin) = user.as_ref().map_or((false, false), |u| (u.can_triage(), u.is_admin()));
        let mut entries: Vec<Entry> = Vec::new();
        let number = text.trim().trim_start_matches('#');
        if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
            entries.push(Entry::Go { label: format!("Open #{number}"), hint: "Issue", href: format!("/issues/{number}") });
        }
        if let Some(Offered(actions)) = offered {
            entries.extend(actions.get().into_iter().filter(|a| matches(&a.label, &text)).map(Entry::Do));
        }
        entries.extend(found.get().into_iter().map(|(id, title)| Entry::Go { label: format!("#{id} {title}"), hint: "Issue", href: format!("/issues/{id}") }));
        entries.extend(pages(can_triage, is_admin).into_iter().filter(|(name, _)| matches(name, &text)).map(|(name, href)| Entry::Go { label: name.to_owned(), hint: "Page", href: href.to_owned() }));
        entries.truncate(12);
        entries
    });

    let close = move || close(open);
    // Opened: the focus goes to the search field once it is on the page.
    request_animation_frame(move || {
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    });
    let search = move |text: String| {
        let id = asked.get_value() + 1;
        asked.set_value(id);
        let words = text.trim().trim_start_matches('#').to_owned();
        if words.is_empty() || words.chars().all(|c| c.is_ascii_digit()) {
            found.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let page = crate::issues::api::list_issues(IssueFilter { q: Some(words), ..IssueFilter::default() }).await;
            // The palette may be closed, or a newer search sent, by the time the answer comes.
            if asked.try_get_value() == Some(id) {
                found.try_set(page.map(|p| p.items.into_iter().take(6).map(|i| (i.id, i.title)).collect()).unwrap_or_default());
            }
        });
    };
    let choose = move |index: usize| {
        let Some(entry) = entries.with_untracked(|e| e.get(index).cloned()) else { return };
        open.set(false);
        match entry {
            Entry::Go { href, .. } => navigate.with_value(|navigate| navigate(&href, Default::default())),
            Entry::Do(action) => {
                refocus();
                action.run.run(());
            }
        }
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = entries.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" if count > 0 => active.update(|a| *a = (*a + count - 1) % count),
            "Enter" => choose(active.get_untracked()),
            "Escape" => close(),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };

    view! {
            <div class="fixed inset-0 z-50 flex items-start justify-center bg-slate-900/40 p-4 pt-24" on:click=move |_| close()>
                <div role="dialog" aria-modal="true" aria-label="Command palette" data-testid="palette"
                    class="w-full max-w-xl overflow-hidden rounded-lg bg-white shadow-xl dark:bg-slate-900" on:click=|ev| ev.stop_propagation()>
                    <input node_ref=input type="text" class="w-full border-b border-slate-200 bg-transparent px-4 py-3 text-base outline-none dark:border-slate-700"
                        placeholder="Find an issue, a page or an action…" aria-label="Find an issue, a page or an action" autocomplete="off"
                        role="combobox" aria-autocomplete="list" aria-expanded="true" aria-controls=LIST_ID
                        aria-activedescendant=move || (!entries.with(Vec::is_empty)).then(|| format!("{LIST_ID}-{}", active.get()))
                        prop:value=move || typed.get()
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            typed.set(text.clone());
                            active.set(0);
                            search(text);
                        }
                        on:keydown=on_key/>
                    <ul id=LIST_ID role="listbox" aria-label="Results" class="max-h-96 overflow-auto py-1 text-sm">
                        {move || entries.get().into_iter().enumerate().map(|(index, entry)| {
                            let selected = move || active.get() == index;
                            view! {
                                <li id=format!("{LIST_ID}-{index}") role="option" aria-selected=move || selected().to_string()
                                    class="flex cursor-pointer items-baseline justify-between gap-3 px-4 py-2"
                                    class=("bg-indigo-100", selected) class=("dark:bg-indigo-900", selected)
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        choose(index);
                                    }>
                                    <span class="truncate">{entry.label().to_owned()}</span>
                                    <span class="shrink-0 text-xs text-slate-600 dark:text-slate-300">{entry.hint()}</span>
                                </li>
                            }
                        }).collect_view()}
                        <Show when=move || entries.with(Vec::is_empty)>
                            <li class="px-4 py-2 text-slate-500" role="presentation">"Nothing matches."</li>
                        </Show>
                    </ul>
                </div>
            </div>
    }
}
