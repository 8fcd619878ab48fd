//! A drop-down menu on `<details>`: it opens before the WASM loads, and once hydrated it closes
//! on Escape (focus back on its button), on a click outside, and on a link chosen in it.
use leptos::{html, prelude::*};

/// A menu button and its panel. `open` lets a choice inside close it. A `lazy` panel is built
/// only while open, so a page with a menu on every row carries no hidden markup (it needs the
/// WASM to open); otherwise the panel is in the page from the start and works without it.
#[component]
pub fn Menu(
    /// The button's visible text.
    #[prop(into)]
    label: Signal<String>,
    /// What a screen reader hears for the button, when the text alone is not enough.
    #[prop(into, optional)]
    aria_label: Option<String>,
    #[prop(default = "menu-button")] button_class: &'static str,
    /// Opens the panel to the right edge of the button instead of its left edge.
    #[prop(optional)]
    align_right: bool,
    #[prop(optional)] lazy: bool,
    #[prop(optional)] test_id: &'static str,
    #[prop(optional)] open: Option<RwSignal<bool>>,
    children: ChildrenFn,
) -> impl IntoView {
    let open = open.unwrap_or_else(|| RwSignal::new(false));
    let root = NodeRef::<html::Details>::new();
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            let summary = root.get_untracked().and_then(|d| d.query_selector("summary").ok().flatten());
            if let Some(summary) = summary.and_then(|s| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(s).ok()) {
                let _ = summary.focus();
            }
        }
    };
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = root.get_untracked().zip(ev.target()).is_some_and(|(root, target)| {
            leptos::wasm_bindgen::JsCast::dyn_ref::<leptos::web_sys::Node>(&target).is_some_and(|node| root.contains(Some(node)))
        });
        if !inside {
            close(false);
        }
    });
    on_cleanup(move || outside.remove());
    let panel = if align_right { "menu-panel right-0" } else { "menu-panel left-0" };
    let children = StoredValue::new(children);
    view! {
        <details class="menu relative inline-block" node_ref=root data-testid=(!test_id.is_empty()).then_some(test_id)
            prop:open=move || open.get()
            on:toggle=move |ev| {
                let now_open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
                if now_open != open.get_untracked() {
                    open.set(now_open);
                }
            }
            on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked() {
                ev.stop_propagation();
                close(true);
            }>
            <summary class=button_class aria-label=aria_label>
                {move || label.get()}
                <span aria-hidden="true" class="ml-1 text-xs">"▾"</span>
            </summary>
            // A link chosen in the panel closes the menu; checkboxes and forms leave it open. The
            // close waits a turn, so the link's navigation sees it where it was.
            <div class=panel on:click=move |ev| {
                let chose_link = ev
                    .target()
                    .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok())
                    .and_then(|el| el.closest("a[href]").ok().flatten())
                    .is_some();
                if chose_link {
                    set_timeout(move || close(false), std::time::Duration::ZERO);
                }
            }>
                {move || (!lazy || open.get()).then(|| children.with_value(|c| c()))}
            </div>
        </details>
    }
}
