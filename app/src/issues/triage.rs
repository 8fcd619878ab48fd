//! Triage controls: the status's next step as one button, the way back in a menu, and severity
//! and tags applied the moment they are chosen. Each change names the version it was made on, so
//! a colleague's change in between is refused (409) rather than overwritten.
use super::{
    api::{ChangeSeverity, SetIssueTags, TransitionIssue},
    badges::StatusBadge,
};
use crate::{
    domain::{Severity, Status},
    menu::Menu,
    tags::{components::TagChip, model::Tag},
};
use leptos::prelude::*;

/// The current status as the control's state, the next stage as the main button ("Triage",
/// "Start progress", "Mark done", "Reopen"), and moving back a stage in a menu beside it.
#[component]
pub fn TransitionControl(
    issue_id: i64,
    #[prop(into)] status: Signal<Status>,
    #[prop(into)] version: Signal<i64>,
    action: ServerAction<TransitionIssue>,
) -> impl IntoView {
    let menu = RwSignal::new(false);
    let primary = move || status.get().primary_move();
    view! {
        <div class="flex flex-wrap items-center gap-2" data-testid="status-control">
            <span class="sr-only">"Status:"</span>
            {move || view! { <StatusBadge status=status.get()/> }}
            // A plain form, so the main step works before the WASM has loaded.
            <ActionForm action attr:class="inline">
                <input type="hidden" name="issue_id" value=issue_id/>
                <input type="hidden" name="version" value=move || version.get().to_string()/>
                <input type="hidden" name="status" value=move || primary().0.as_str()/>
                <button type="submit" class="btn-primary" disabled=move || action.pending().get()
                    title=move || format!("Move to {}", primary().0.label())>
                    {move || primary().1}
                </button>
            </ActionForm>
            <Show when=move || status.get().other_moves().next().is_some()>
                <Menu label="Move back" aria_label="Move back a stage" button_class="menu-button" open=menu>
                    {move || status.get().other_moves().map(|target| view! {
                        <button type="button" role="menuitem" class="menu-item" on:click=move |_| {
                            menu.set(false);
                            action.dispatch(TransitionIssue { issue_id, status: target, version: version.get_untracked() });
                        }>
                            "Back to " {target.label()}
                        </button>
                    }).collect_view()}
                </Menu>
            </Show>
        </div>
    }
}

/// The severity as a select that applies on choice.
#[component]
pub fn SeverityMenu(
    issue_id: i64,
    #[prop(into)] severity: Signal<Severity>,
    #[prop(into)] version: Signal<i64>,
    action: ServerAction<ChangeSeverity>,
) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(chosen) = event_target_value(&ev).parse::<Severity>() {
            if chosen != severity.get_untracked() {
                action.dispatch(ChangeSeverity { issue_id, severity: chosen, version: version.get_untracked() });
            }
        }
    };
    let initial = severity.get_untracked();
    view! {
        <label class="flex items-center gap-2 text-sm">
            <span class="text-slate-500 dark:text-slate-400">"Severity"</span>
            <select class="field-select" data-testid="severity-select" title="Severity (s)" on:change=on_change prop:value=move || severity.get().as_str()>
                {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == initial>{s.label()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// The tags as a searchable menu of checkboxes, each applied as it is ticked.
#[component]
pub fn TagMenu(
    issue_id: i64,
    #[prop(into)] chosen: Signal<Vec<Tag>>,
    #[prop(into)] version: Signal<i64>,
    all: Vec<Tag>,
    action: ServerAction<SetIssueTags>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let all = StoredValue::new(all);
    let toggle = move |tag_id: i64, on: bool| {
        let mut ids: Vec<i64> = chosen.get_untracked().iter().map(|t| t.id).filter(|id| *id != tag_id).collect();
        if on {
            ids.push(tag_id);
        }
        action.dispatch(SetIssueTags { issue_id, version: version.get_untracked(), tags: ids });
    };
    let label = Signal::derive(move || match chosen.with(Vec::len) {
        0 => "Tags".to_owned(),
        n => format!("Tags ({n})"),
    });
    view! {
        <div class="flex flex-wrap items-center gap-2" data-testid="tag-menu">
            <Menu label aria_label="Change tags" test_id="tag-menu-button" lazy=true>
                <input type="search" class="field-input mb-2 w-full" placeholder="Filter tags" aria-label="Filter tags" autofocus
                    prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev))/>
                {move || {
                    let needle = filter.get().to_lowercase();
                    let shown: Vec<Tag> = all.with_value(|all| all.iter().filter(|t| t.name.to_lowercase().contains(&needle)).cloned().collect());
                    if shown.is_empty() {
                        return view! { <p class="px-2 py-1 text-sm text-slate-500">"No tag matches."</p> }.into_any();
                    }
                    shown.into_iter().map(|tag| {
                        let id = tag.id;
                        let checked = move || chosen.with(|c| c.iter().any(|t| t.id == id));
                        view! {
                            <label class="menu-item flex cursor-pointer items-center gap-2">
                                <input type="checkbox" class="accent-indigo-600" prop:checked=checked
                                    on:change=move |ev| toggle(id, event_target_checked(&ev))/>
                                <TagChip tag/>
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </Menu>
            <span class="flex flex-wrap gap-1">
                {move || chosen.get().into_iter().map(|tag| {
                    let href = format!("/issues?tag={}", super::model::encode(&tag.name));
                    view! { <TagChip tag href/> }
                }).collect_view()}
            </span>
        </div>
    }
}

/// The workflow menu of one row of the list: the next step first, then the way back.
#[component]
pub fn RowTransitionMenu(issue_id: i64, status: Status, version: i64, action: ServerAction<TransitionIssue>) -> impl IntoView {
    let open = RwSignal::new(false);
    let moves = move || std::iter::once(status.primary_move()).chain(status.other_moves().map(|s| (s, "")));
    view! {
        <Menu label=status.primary_move().1 aria_label=format!("{} (issue #{issue_id})", status.primary_move().1) button_class="row-menu-button" align_right=true lazy=true open>
            {move || moves().map(|(target, words)| {
                let text = if words.is_empty() { format!("Back to {}", target.label()) } else { words.to_owned() };
                view! {
                    <button type="button" role="menuitem" class="menu-item" on:click=move |_| {
                        open.set(false);
                        action.dispatch(TransitionIssue { issue_id, status: target, version });
                    }>{text}</button>
                }
            }).collect_view()}
        </Menu>
    }
}
