//! The tag list page, for maintainers and admins.
use super::{
    api::{CreateTag, DeleteTag, UpdateTag, list_tag_usage},
    components::{ColourSelect, TagChip},
    model::TagUsage,
};
use crate::{
    auth::components::{Field, FormError, field_message},
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Tags: add one, rename or recolour it, or delete it from every issue.
#[component]
pub fn TagsPage() -> impl IntoView {
    let create = ServerAction::<CreateTag>::new();
    let update = ServerAction::<UpdateTag>::new();
    let delete = ServerAction::<DeleteTag>::new();
    let tags = Resource::new(
        move || create.version().get() + update.version().get() + delete.version().get(),
        |_| list_tag_usage(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    // An added tag empties the form for the next one; a refused one keeps what was typed.
    let create_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            if let Some(form) = create_form.get_untracked() {
                form.reset();
            }
        }
    });
    let row_error = Signal::derive(move || {
        update.value().get().and_then(Result::err).or_else(|| delete.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Tags"/>
        <h1 class="text-2xl font-semibold">"Tags"</h1>
        <Transition fallback=|| view! { <p role="status">"Loading tags…"</p> }>
            {move || Suspend::new(async move {
                match tags.await {
                    Err(AppError::Unauthorized) => view! { <crate::auth::pages::SignInRedirect/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <p role="alert" class="mt-4">"Only maintainers and admins manage tags."</p> }.into_any(),
                    Err(err) => view! { <p role="alert" class="mt-4">{err.to_string()}</p> }.into_any(),
                    Ok(tags) => view! {
                        <ActionForm action=create node_ref=create_form attr:class="mt-4 flex flex-wrap items-end gap-3 rounded border border-slate-200 p-4 dark:border-slate-800">
                            <FormError error=create_error/>
                            <Field label="Name" name="name" error=create_error/>
                            <div class="flex flex-col gap-1">
                                <label for="field-colour" class="text-sm font-medium">"Colour"</label>
                                <ColourSelect id="field-colour".to_owned()/>
                                <p class="text-sm text-red-600">{move || field_message(&create_error.get(), "colour")}</p>
                            </div>
                            <button type="submit" class="mb-6 rounded bg-indigo-600 px-4 py-2 font-medium text-white">"Add tag"</button>
                        </ActionForm>
                        <FormError error=row_error/>
                        <TagTable tags update delete/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TagTable(tags: Vec<TagUsage>, update: ServerAction<UpdateTag>, delete: ServerAction<DeleteTag>) -> impl IntoView {
    if tags.is_empty() {
        return view! { <p class="mt-6 text-slate-500" data-testid="empty-state">"No tags yet. Add the first one above."</p> }.into_any();
    }
    view! {
        // A table on wider screens; on a phone each tag is a card of its own lines.
        <table class="mt-6 block w-full text-left text-sm sm:table">
            <thead class="hidden text-xs uppercase text-slate-500 sm:table-header-group dark:text-slate-400">
                <tr><th class="py-2 pr-3">"Tag"</th><th class="py-2 pr-3">"Issues"</th><th class="py-2 pr-3">"Rename or recolour"</th><th class="py-2">"Delete"</th></tr>
            </thead>
            <tbody class="block sm:table-row-group">
                {tags.into_iter().map(|usage| {
                    let tag = usage.tag;
                    let id = tag.id;
                    let (row_name, value, delete_name, colour) = (tag.name.clone(), tag.name.clone(), tag.name.clone(), tag.colour);
                    let rename_label = format!("New name for {}", tag.name);
                    let href = format!("/issues?tag={}", crate::issues::model::encode(&tag.name));
                    view! {
                        <tr class="block border-t border-slate-200 py-2 sm:table-row sm:py-0 dark:border-slate-800" data-tag-row=row_name>
                            <td class="inline-block py-1 pr-3 sm:table-cell sm:py-2"><TagChip tag href/></td>
                            <td class="inline-block py-1 pr-3 sm:table-cell sm:py-2">
                                {usage.issues}<span class="text-slate-500 sm:hidden">{if usage.issues == 1 { " issue" } else { " issues" }}</span>
                            </td>
                            <td class="block py-1 pr-3 sm:table-cell sm:py-2">
                                <ActionForm action=update attr:class="flex flex-wrap items-center gap-2">
                                    <input type="hidden" name="tag_id" value=id/>
                                    <input name="name" value=value aria-label=rename_label
                                        class="w-40 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"/>
                                    <ColourSelect selected=colour id=format!("colour-{id}")/>
                                    <button type="submit" class="text-indigo-600 underline dark:text-indigo-400">"Save"</button>
                                </ActionForm>
                            </td>
                            <td class="block py-1 sm:table-cell sm:py-2"><DeleteTagButton tag_id=id name=delete_name delete/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Deleting takes two clicks, and says what it does to the issues carrying the tag.
#[component]
fn DeleteTagButton(tag_id: i64, name: String, delete: ServerAction<DeleteTag>) -> impl IntoView {
    view! {
        <crate::layout::TwoStep label="Delete" aria_label=format!("Delete {name}")>
            <ActionForm action=delete attr:class="flex flex-wrap items-center gap-2">
                <input type="hidden" name="tag_id" value=tag_id/>
                <span>"Remove it from every issue?"</span>
                <button type="submit" class="rounded bg-red-600 px-2 py-0.5 text-white">"Yes, delete"</button>
            </ActionForm>
        </crate::layout::TwoStep>
    }
}
