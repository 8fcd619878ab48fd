//! Keyboard shortcuts everywhere: `?` lists them all, `/` goes to the search box, `c` files an
//! issue; the list and the issue page add their own. None fires while typing in a field.
use leptos::prelude::*;

/// Whether a key press is typing into a field (where no shortcut may fire).
pub fn typing_in_field(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.has_attribute("contenteditable"))
}

/// The element `selector` finds on the page, as an HTML element.
fn element(selector: &str) -> Option<leptos::web_sys::HtmlElement> {
    let found = document().query_selector(selector).ok().flatten()?;
    leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(found).ok()
}

/// Puts the focus on what `selector` finds; whether there was something.
pub fn focus(selector: &str) -> bool {
    element(selector).map(|el| el.focus()).is_some()
}

/// Presses what `selector` finds (a button, a menu's summary); whether there was something.
pub fn press(selector: &str) -> bool {
    element(selector).map(|el| el.click()).is_some()
}

/// Every shortcut, by where it works, for the help overlay.
const SHORTCUTS: &[(&str, &[(&str, &str)])] = &[
    ("Anywhere", &[("Ctrl+K", "the command palette"), ("?", "show these shortcuts"), ("/", "search issues"), ("c", "file a new issue")]),
    (
        "The issue list",
        &[("j / k", "move down / up"), ("o or Enter", "open the issue"), ("x", "select it"), ("Shift+x", "select the range"), ("Ctrl+A", "select the page"), ("Esc", "clear the selection")],
    ),
    (
        "An issue",
        &[("] / [", "next / previous stage"), ("s", "severity"), ("t", "tags"), ("a", "assignee"), ("r", "reply"), ("e", "edit")],
    ),
];

/// The shortcuts that work on every page, and the overlay `?` opens.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing_in_field(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "?" => open.update(|o| *o = !*o),
            "Escape" if open.get_untracked() => open.set(false),
            "/" => {
                if !focus("input[aria-label='Search issues']") {
                    navigate("/issues", Default::default());
                }
            }
            "c" => navigate("/issues/new", Default::default()),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || listener.remove());
    view! {
        <Show when=move || open.get()>
            <div class="fixed inset-0 z-40 flex items-start justify-center bg-slate-900/40 p-4 pt-24" on:click=move |_| open.set(false)>
                <div role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts"
                    class="max-h-[80vh] w-full max-w-lg overflow-auto rounded-lg bg-white p-5 shadow-xl dark:bg-slate-900"
                    on:click=|ev| ev.stop_propagation()>
                    <div class="flex items-center justify-between">
                        <h2 id="shortcuts-title" class="text-lg font-semibold">"Keyboard shortcuts"</h2>
                        <button type="button" class="btn-secondary py-1" on:click=move |_| open.set(false) autofocus>"Close"</button>
                    </div>
                    {SHORTCUTS.iter().map(|(place, keys)| view! {
                        <h3 class="mt-4 text-sm font-semibold text-slate-600 dark:text-slate-300">{*place}</h3>
                        <dl class="mt-1 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
                            {keys.iter().map(|(key, what)| view! { <dt><kbd class="kbd">{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                        </dl>
                    }).collect_view()}
                </div>
            </div>
        </Show>
    }
}
