//! Pieces that show and pick tags.
use super::model::Tag;
use crate::domain::TagColour;
use leptos::prelude::*;

/// The classes for a colour of the palette, spelled out so Tailwind keeps them.
pub fn colour_classes(colour: TagColour) -> &'static str {
    match colour {
        TagColour::Gray => "bg-slate-100 text-slate-800 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600",
        TagColour::Red => "bg-red-100 text-red-800 ring-red-300 dark:bg-red-900/40 dark:text-red-200 dark:ring-red-700",
        TagColour::Orange => "bg-orange-100 text-orange-800 ring-orange-300 dark:bg-orange-900/40 dark:text-orange-200 dark:ring-orange-700",
        TagColour::Amber => "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-900/40 dark:text-amber-200 dark:ring-amber-700",
        TagColour::Green => "bg-green-100 text-green-800 ring-green-300 dark:bg-green-900/40 dark:text-green-200 dark:ring-green-700",
        TagColour::Teal => "bg-teal-100 text-teal-800 ring-teal-300 dark:bg-teal-900/40 dark:text-teal-200 dark:ring-teal-700",
        TagColour::Sky => "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-900/40 dark:text-sky-200 dark:ring-sky-700",
        TagColour::Blue => "bg-blue-100 text-blue-800 ring-blue-300 dark:bg-blue-900/40 dark:text-blue-200 dark:ring-blue-700",
        TagColour::Violet => "bg-violet-100 text-violet-800 ring-violet-300 dark:bg-violet-900/40 dark:text-violet-200 dark:ring-violet-700",
        TagColour::Pink => "bg-pink-100 text-pink-800 ring-pink-300 dark:bg-pink-900/40 dark:text-pink-200 dark:ring-pink-700",
    }
}

/// A tag as a coloured label; a link to the issues carrying it when `href` is given.
#[component]
pub fn TagChip(tag: Tag, #[prop(optional)] href: Option<String>) -> impl IntoView {
    let class = format!("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {}", colour_classes(tag.colour));
    let name = tag.name.clone();
    match href {
        Some(href) => view! { <a href=href class=format!("{class} hover:underline") data-tag=name>{tag.name}</a> }.into_any(),
        None => view! { <span class=class data-tag=name>{tag.name}</span> }.into_any(),
    }
}

/// Checkboxes for choosing tags, posted as `tags[]`. The chosen ones start checked.
#[component]
pub fn TagPicker(all: Vec<Tag>, chosen: Vec<Tag>, #[prop(default = "Tags")] legend: &'static str) -> impl IntoView {
    if all.is_empty() {
        return view! { <p class="text-sm text-slate-500 dark:text-slate-400">"No tags yet."</p> }.into_any();
    }
    view! {
        <fieldset class="flex flex-col gap-1">
            <legend class="text-sm font-medium">{legend}</legend>
            <div class="flex flex-wrap gap-2">
                {all.into_iter().map(|tag| {
                    let checked = chosen.iter().any(|c| c.id == tag.id);
                    view! {
                        <label class="inline-flex cursor-pointer items-center gap-1">
                            <input type="checkbox" name="tags[]" value=tag.id checked=checked class="accent-indigo-600"/>
                            <TagChip tag/>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}

/// A `<select>` of the palette's colours.
#[component]
pub fn ColourSelect(#[prop(default = TagColour::Gray)] selected: TagColour, id: String) -> impl IntoView {
    view! {
        <select id=id name="colour" class="rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900">
            {TagColour::ALL.iter().map(|c| view! { <option value=c.as_str() selected=*c == selected>{c.label()}</option> }).collect_view()}
        </select>
    }
}
