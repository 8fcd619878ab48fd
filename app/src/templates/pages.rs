//! The Templates page (maintainers and admins) and the filing page's template picker.
use super::{
    api::{ArchiveTemplate, CreateTemplate, ReorderTemplates, UpdateTemplate, list_templates},
    model::{ABOUT_MAX_CHARS, NAME_MAX_CHARS, Template},
};
use crate::{
    auth::components::{FormError, field_message},
    domain::Severity,
    error::AppError,
    issues::badges::SeverityBadge,
    tags::{api::list_tags, components::{TagChip, TagPicker}, model::Tag},
};
use leptos::prelude::*;
use leptos_meta::Title;

const INPUT: &str = "rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";

/// Templates: make one, edit it, move it up or down the picker, archive it.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let create = ServerAction::<CreateTemplate>::new();
    let update = ServerAction::<UpdateTemplate>::new();
    let archive = ServerAction::<ArchiveTemplate>::new();
    let reorder = ServerAction::<ReorderTemplates>::new();
    let templates = Resource::new(
        move || create.version().get() + update.version().get() + archive.version().get() + reorder.version().get(),
        |_| list_templates(false),
    );
    let tags = Resource::new(|| (), |_| list_tags());
    let auth = crate::auth::components::use_auth();
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let row_error = Signal::derive(move || {
        update.value().get().and_then(Result::err).or_else(|| archive.value().get().and_then(Result::err)).or_else(|| reorder.value().get().and_then(Result::err))
    });
    // A template made empties the form for the next one; a refused one keeps what was typed.
    let create_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            if let Some(form) = create_form.get_untracked() {
                form.reset();
            }
        }
    });
    view! {
        <Title text="Templates"/>
        <h1 class="text-2xl font-semibold">"Templates"</h1>
        <p class="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
            "People filing an issue choose one of these first. A link to "
            <code>"/issues/new?template=<slug>"</code>
            " opens the form with that template chosen."
        </p>
        <Transition fallback=|| view! { <p role="status">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                let all_tags = tags.await.unwrap_or_default();
                let for_new = all_tags.clone();
                let triager = auth.user.await.ok().flatten().is_some_and(|user| user.can_triage());
                match templates.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(err) => view! { <p role="alert" class="mt-4">{err.to_string()}</p> }.into_any(),
                    Ok(_) if !triager => view! { <p role="alert" class="mt-4">"Only maintainers and admins manage templates."</p> }.into_any(),
                    Ok(list) => view! {
                        <details class="mt-4 max-w-3xl rounded border border-slate-200 p-4 dark:border-slate-800" open=list.is_empty()>
                            <summary class="cursor-pointer font-medium">"New template"</summary>
                            <ActionForm action=create node_ref=create_form attr:class="mt-3 flex flex-col gap-3">
                                <FormError error=create_error/>
                                <TemplateFields prefix="new".to_owned() template=None all_tags=for_new.clone() error=create_error/>
                                <button type="submit" class="btn-primary self-start">"Add template"</button>
                            </ActionForm>
                        </details>
                        <FormError error=row_error/>
                        <TemplateList list all_tags update archive reorder/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A template's fields, empty or filled with `template`'s; ids start with `prefix`.
#[component]
fn TemplateFields(prefix: String, template: Option<Template>, all_tags: Vec<Tag>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let id = move |field: &str| format!("template-{prefix}-{field}");
    let (name, about, severity, tags, body) = match template {
        Some(t) => (t.name, t.about, t.severity, t.tags, t.body),
        None => (String::new(), String::new(), Severity::Medium, Vec::new(), String::new()),
    };
    let message = move |field: &'static str| move || field_message(&error.get(), field);
    view! {
        <div class="flex flex-col gap-1">
            <label for=id("name") class="text-sm font-medium">"Name"</label>
            <input id=id("name") name="name" value=name required maxlength=NAME_MAX_CHARS class=INPUT/>
            <p class="text-sm text-red-600 dark:text-red-400" data-field-error="name">{message("name")}</p>
        </div>
        <div class="flex flex-col gap-1">
            <label for=id("about") class="text-sm font-medium">"When to use it (one line)"</label>
            <input id=id("about") name="about" value=about maxlength=ABOUT_MAX_CHARS class=INPUT/>
            <p class="text-sm text-red-600 dark:text-red-400" data-field-error="about">{message("about")}</p>
        </div>
        <div class="flex flex-col gap-1">
            <label for=id("severity") class="text-sm font-medium">"Severity it starts with"</label>
            <select id=id("severity") name="severity" class=format!("w-48 {INPUT}")>
                {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == severity>{s.label()}</option> }).collect_view()}
            </select>
        </div>
        <TagPicker all=all_tags chosen=tags legend="Tags it starts with"/>
        <p class="text-sm text-red-600 dark:text-red-400" data-field-error="tags">{message("tags")}</p>
        <div class="flex flex-col gap-1">
            <label for=id("body") class="text-sm font-medium">"Description it starts with (markdown)"</label>
            <textarea id=id("body") name="body" rows="8" class=format!("font-mono text-sm {INPUT}")>{body}</textarea>
            <p class="text-sm text-red-600 dark:text-red-400" data-field-error="body">{message("body")}</p>
        </div>
    }
}

/// The templates in the picker's order, each with its controls.
#[component]
fn TemplateList(
    list: Vec<Template>,
    all_tags: Vec<Tag>,
    update: ServerAction<UpdateTemplate>,
    archive: ServerAction<ArchiveTemplate>,
    reorder: ServerAction<ReorderTemplates>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-6 text-slate-500" data-testid="empty-state">"No templates yet: filing starts from a blank issue."</p> }.into_any();
    }
    let order: Vec<i64> = list.iter().map(|t| t.id).collect();
    // The order with the template at `at` swapped with the one at `with`.
    let swapped = move |at: usize, with: usize| {
        let mut order = order.clone();
        order.swap(at, with);
        order
    };
    let last = list.len() - 1;
    view! {
        <ol class="mt-6 flex max-w-3xl flex-col gap-3">
            {list.into_iter().enumerate().map(|(at, template)| {
                let up = (at > 0).then(|| swapped(at, at - 1));
                let down = (at < last).then(|| swapped(at, at + 1));
                view! { <TemplateRow template all_tags=all_tags.clone() up down update archive reorder/> }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn TemplateRow(
    template: Template,
    all_tags: Vec<Tag>,
    up: Option<Vec<i64>>,
    down: Option<Vec<i64>>,
    update: ServerAction<UpdateTemplate>,
    archive: ServerAction<ArchiveTemplate>,
    reorder: ServerAction<ReorderTemplates>,
) -> impl IntoView {
    let id = template.id;
    let name = template.name.clone();
    let (slug, about, severity, tags) = (template.slug.clone(), template.about.clone(), template.severity, template.tags.clone());
    let link = format!("/issues/new?template={slug}");
    let archive_label = format!("Archive {name}");
    let edit_error = Signal::derive(move || update.value().get().and_then(Result::err));
    let move_form = move |order: Option<Vec<i64>>, label: &'static str, what: String| {
        order.map(|order| view! {
            <ActionForm action=reorder>
                {order.into_iter().map(|id| view! { <input type="hidden" name="ids[]" value=id/> }).collect_view()}
                <button type="submit" class="rounded border border-slate-300 px-2 py-0.5 text-sm dark:border-slate-700" aria-label=what>{label}</button>
            </ActionForm>
        })
    };
    view! {
        <li class="rounded border border-slate-200 p-3 dark:border-slate-800" data-template-row=slug>
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div class="min-w-0">
                    <p class="font-medium">{name.clone()}</p>
                    <p class="text-sm text-slate-600 dark:text-slate-400">{about}</p>
                    <div class="mt-1 flex flex-wrap items-center gap-2">
                        <SeverityBadge severity/>
                        {tags.into_iter().map(|tag| view! { <TagChip tag/> }).collect_view()}
                        <a class="break-all text-sm text-indigo-700 underline dark:text-indigo-300" href=link.clone()>{link.clone()}</a>
                    </div>
                </div>
                <div class="flex items-center gap-2">
                    {move_form(up, "↑", format!("Move {name} up"))}
                    {move_form(down, "↓", format!("Move {name} down"))}
                </div>
            </div>
            <details class="mt-2">
                <summary class="cursor-pointer text-sm text-indigo-700 underline dark:text-indigo-300">"Edit"</summary>
                <ActionForm action=update attr:class="mt-2 flex flex-col gap-3">
                    <input type="hidden" name="template_id" value=id/>
                    <TemplateFields prefix=id.to_string() template=Some(template.clone()) all_tags=all_tags.clone() error=edit_error/>
                    <button type="submit" class="btn-primary self-start">"Save template"</button>
                </ActionForm>
            </details>
            <div class="mt-2">
                <crate::layout::TwoStep label="Archive" aria_label=archive_label>
                    <ActionForm action=archive attr:class="flex flex-wrap items-center gap-2">
                        <input type="hidden" name="template_id" value=id/>
                        <span>"No longer offered; issues filed from it keep its name."</span>
                        <button type="submit" class="rounded bg-red-600 px-2 py-0.5 text-white">"Yes, archive"</button>
                    </ActionForm>
                </crate::layout::TwoStep>
            </div>
        </li>
    }
}

/// The filing page's first step when templates exist: each template, and a blank issue. Links,
/// so the choice is in the address and works before the page is interactive.
#[component]
pub fn TemplatePicker(templates: Vec<Template>) -> impl IntoView {
    let card = "flex flex-col gap-1 rounded border border-slate-200 p-4 hover:border-indigo-400 hover:bg-indigo-50 dark:border-slate-800 dark:hover:bg-slate-900";
    view! {
        <nav aria-label="Templates" class="mt-4 max-w-3xl">
            <p class="text-sm text-slate-600 dark:text-slate-400">"Start from a template, or from a blank issue."</p>
            <ul class="mt-3 grid gap-3 sm:grid-cols-2">
                {templates.into_iter().map(|t| view! {
                    <li>
                        <a class=card href=format!("/issues/new?template={}", t.slug)>
                            <span class="font-medium text-indigo-700 dark:text-indigo-300">{t.name}</span>
                            <span class="text-sm text-slate-600 dark:text-slate-400">{t.about}</span>
                        </a>
                    </li>
                }).collect_view()}
                <li>
                    <a class=card href=format!("/issues/new?template={}", super::model::BLANK)>
                        <span class="font-medium text-indigo-700 dark:text-indigo-300">"Blank issue"</span>
                        <span class="text-sm text-slate-600 dark:text-slate-400">"Nothing filled in."</span>
                    </a>
                </li>
            </ul>
        </nav>
    }
}
