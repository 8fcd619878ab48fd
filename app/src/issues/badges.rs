//! An issue's severity and status as coloured labels, used by the list, the triage controls and
//! the issue page alike.
use crate::domain::{Severity, Status};
use leptos::prelude::*;

/// A severity as a coloured label.
#[component]
pub fn SeverityBadge(severity: Severity) -> impl IntoView {
    // The colours are named in style/main.css.
    let class = match severity {
        Severity::Low => "badge badge-low",
        Severity::Medium => "badge badge-medium",
        Severity::High => "badge badge-high",
        Severity::Critical => "badge badge-critical",
    };
    view! { <span class=class>{severity.label()}</span> }
}

/// A workflow status as a label.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    // The colours are named in style/main.css.
    let class = match status {
        Status::Open => "pill pill-open",
        Status::Triaged => "pill pill-triaged",
        Status::InProgress => "pill pill-in-progress",
        Status::Done => "pill pill-done",
    };
    view! { <span class=class>{status.label()}</span> }
}
