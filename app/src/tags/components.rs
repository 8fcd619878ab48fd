//! Pieces that show and pick tags.
use super::model::Tag;
use crate::domain::TagColour;
use leptos::prelude::*;

/// The classes for a colour of the palette (named in style/main.css).
pub fn colour_classes(colour: TagColour) -> &'static str {
    match colour {
        TagColour::Gray => "chip chip-gray",
        TagColour::Red => "chip chip-red",
        TagColour::Orange => "chip chip-orange",
        TagColour::Amber => "chip chip-amber",
        TagColour::Green => "chip chip-green",
        TagColour::Teal => "chip chip-teal",
        TagColour::Sky => "chip chip-sky",
        TagColour::Blue => "chip chip-blue",
        TagColour::Violet => "chip chip-violet",
        TagColour::Pink => "chip chip-pink",
    }
}

/// A tag as a coloured label; a link to the issues carrying it when `href` is given.
#[component]
pub fn TagChip(tag: Tag, #[prop(optional)] href: Option<String>) -> impl IntoView {
    let class = colour_classes(tag.colour);
    let name = tag.name.clone();
    match href {
        Some(href) => view! { <a href=href class=class data-tag=name>{tag.name}</a> }.into_any(),
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
