//! The attachments section of the issue page: the files, and an upload area that takes
//! drag-and-drop, paste and the file picker, with a progress bar per file.
use super::{
    api::{DeleteAttachment, list_attachments},
    model::Attachment,
};
use crate::{layout::TwoStep, time::Timestamp};
use leptos::prelude::*;

/// The issue page's uploads in flight and a counter of finished ones, shared by the upload
/// area and the comment cards (provided as context by the issue page).
#[derive(Clone, Copy)]
pub struct Uploads {
    progress: RwSignal<Vec<Progress>>,
    /// Moves after each finished upload, so lists and the timeline reload.
    pub uploaded: RwSignal<u32>,
}

impl Uploads {
    pub fn new() -> Self {
        Uploads { progress: RwSignal::new(Vec::new()), uploaded: RwSignal::new(0) }
    }
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

/// One file on its way up.
#[derive(Clone, Debug, PartialEq)]
struct Progress {
    key: u32,
    name: String,
    percent: u8,
    error: Option<String>,
}

/// The issue's attachments and the upload area (uploads come from the [`Uploads`] context).
#[component]
pub fn Attachments(issue_id: i64) -> impl IntoView {
    let uploads = expect_context::<Uploads>();
    let (progress, uploaded) = (uploads.progress, uploads.uploaded);
    let delete = ServerAction::<DeleteAttachment>::new();
    let files = Resource::new(move || (uploaded.get(), delete.version().get()), move |_| list_attachments(issue_id));
    view! {
        <section aria-label="Attachments" class="mt-8">
            <h2 class="text-lg font-semibold">"Attachments"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let files = files.await.unwrap_or_default();
                    view! {
                        <ul class="mt-2 flex flex-col gap-2" data-testid="attachments">
                            {files.into_iter().map(|file| view! { <AttachmentRow file delete/> }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
            <DropZone issue_id progress uploaded/>
            <ul class="mt-2 flex flex-col gap-1 text-sm">
                <For each=move || progress.get() key=|p| (p.key, p.percent, p.error.clone()) let:item>
                    <li data-testid="upload-progress">
                        <span>{item.name.clone()}</span>
                        {match item.error.clone() {
                            Some(error) => view! { <span role="alert" class="ml-2 text-red-600 dark:text-red-400">{error}</span> }.into_any(),
                            None => view! {
                                <progress class="ml-2 align-middle" max="100" value=item.percent aria-label=format!("Uploading {}", item.name)></progress>
                            }.into_any(),
                        }}
                    </li>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn AttachmentRow(file: Attachment, delete: ServerAction<DeleteAttachment>) -> impl IntoView {
    let preview = file.preview_url();
    let (id, name, can_delete) = (file.id, file.file_name.clone(), file.can_delete);
    view! {
        <li class="flex flex-wrap items-center gap-x-3 gap-y-1 rounded border border-slate-200 p-2 dark:border-slate-800" data-attachment-id=id>
            {preview.map(|src| view! { <img src=src alt="" class="h-12 w-12 rounded object-cover" loading="lazy"/> })}
            <a href=file.download_url() class="min-w-0 break-all font-medium text-indigo-600 underline dark:text-indigo-400" download=name.clone()>{name.clone()}</a>
            <span class="min-w-0 break-words text-sm text-slate-500">
                {file.size_label()} " · " {file.uploader.display_name.clone()} " · " <Timestamp at=file.created_at/>
                {file.comment_id.map(|c| format!(" · with comment {c}"))}
            </span>
            {can_delete.then(|| view! {
                <span class="ml-auto">
                    <TwoStep label="Remove" aria_label=format!("Remove {name}")>
                        <ActionForm action=delete>
                            <input type="hidden" name="attachment_id" value=id/>
                            <button type="submit" class="rounded bg-red-600 px-2 py-0.5 text-white">"Yes, remove"</button>
                        </ActionForm>
                    </TwoStep>
                </span>
            })}
        </li>
    }
}

/// Where files go: drop them, paste them, or pick them.
#[component]
fn DropZone(issue_id: i64, progress: RwSignal<Vec<Progress>>, uploaded: RwSignal<u32>) -> impl IntoView {
    let over = RwSignal::new(false);
    // Only the browser uploads; on the server the zone is rendered and nothing more.
    #[cfg(not(feature = "hydrate"))]
    let _ = (issue_id, progress, uploaded);
    #[cfg(feature = "hydrate")]
    {
        // Pasting a file anywhere on the page attaches it (text pastes are left alone).
        let paste = window_event_listener(leptos::ev::paste, move |ev| {
            if let Some(files) = ev.clipboard_data().and_then(|d| d.files()).filter(|f| f.length() > 0) {
                ev.prevent_default();
                browser::send_all(issue_id, None, files, progress, uploaded);
            }
        });
        on_cleanup(move || paste.remove());
    }
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            browser::send_all(issue_id, None, files, progress, uploaded);
        }
    };
    let on_pick = picker(issue_id, None, progress, uploaded);
    view! {
        <div
            data-testid="drop-zone"
            class="mt-3 rounded-lg border-2 border-dashed border-slate-300 p-4 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
            class=("border-indigo-500", move || over.get())
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            "Drop files here, paste them, or "
            <label class="cursor-pointer text-indigo-600 underline dark:text-indigo-400">
                "choose files"
                <input type="file" multiple class="sr-only" aria-label="Attach files" on:change=on_pick/>
            </label>
            ". Images, PDF, archives and text, up to the size limit."
        </div>
    }
}

/// What a file input does with the files picked: upload them (to `comment_id` when given).
fn picker(issue_id: i64, comment_id: Option<i64>, progress: RwSignal<Vec<Progress>>, uploaded: RwSignal<u32>) -> impl Fn(leptos::ev::Event) + Copy {
    move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
            if let Some(files) = input.files() {
                browser::send_all(issue_id, comment_id, files, progress, uploaded);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, issue_id, comment_id, progress, uploaded);
    }
}

/// A file picker on a comment: the files are attached to that comment.
#[component]
pub fn AttachToComment(issue_id: i64, comment_id: i64) -> impl IntoView {
    let uploads = expect_context::<Uploads>();
    let on_pick = picker(issue_id, Some(comment_id), uploads.progress, uploads.uploaded);
    view! {
        <label class="cursor-pointer text-indigo-600 underline dark:text-indigo-400">
            "Attach"
            <input type="file" multiple class="sr-only" aria-label="Attach files to this comment" on:change=on_pick/>
        </label>
    }
}

/// The upload itself, in the browser: XMLHttpRequest, because it reports upload progress.
#[cfg(feature = "hydrate")]
mod browser {
    use super::Progress;
    use leptos::{prelude::*, wasm_bindgen::{JsCast, closure::Closure}};
    use web_sys::{File, FileList, FormData, ProgressEvent, XmlHttpRequest};

    pub fn send_all(issue_id: i64, comment_id: Option<i64>, files: FileList, progress: RwSignal<Vec<Progress>>, uploaded: RwSignal<u32>) {
        let url = match comment_id {
            Some(comment_id) => format!("/api/v1/issues/{issue_id}/attachments?comment_id={comment_id}"),
            None => format!("/api/v1/issues/{issue_id}/attachments"),
        };
        for i in 0..files.length() {
            if let Some(file) = files.get(i) {
                send(&url, file, progress, uploaded);
            }
        }
    }

    fn update(progress: RwSignal<Vec<Progress>>, key: u32, change: impl FnOnce(&mut Progress)) {
        progress.update(|all| {
            if let Some(p) = all.iter_mut().find(|p| p.key == key) {
                change(p);
            }
        });
    }

    fn send(url: &str, file: File, progress: RwSignal<Vec<Progress>>, uploaded: RwSignal<u32>) {
        let key = next_key();
        progress.update(|all| all.push(Progress { key, name: file.name(), percent: 0, error: None }));
        let fail = move |message: String| update(progress, key, |p| p.error = Some(message));
        let Ok(xhr) = XmlHttpRequest::new() else { return fail("this browser cannot upload".into()) };
        let form = FormData::new().expect("FormData");
        if form.append_with_blob_and_filename("file", &file, &file.name()).is_err()
            || xhr.open_with_async("POST", url, true).is_err()
        {
            return fail("the upload could not start".into());
        }
        let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |ev: ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                let percent = (ev.loaded() / ev.total() * 100.0).min(100.0) as u8;
                update(progress, key, |p| p.percent = percent);
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let done_xhr = xhr.clone();
        let on_done = Closure::<dyn Fn()>::new(move || {
            let status = done_xhr.status().unwrap_or(0);
            if status == 201 {
                progress.update(|all| all.retain(|p| p.key != key));
                uploaded.update(|n| *n += 1);
            } else {
                let text = done_xhr.response_text().ok().flatten().unwrap_or_default();
                let message = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| if status == 0 { "the upload was interrupted".to_owned() } else { format!("the upload failed ({status})") });
                update(progress, key, |p| p.error = Some(message));
            }
        });
        xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
        on_done.forget();
        if xhr.send_with_opt_form_data(Some(&form)).is_err() {
            fail("the upload could not start".into());
        }
    }

    /// A key for a progress row, unique within the page.
    fn next_key() -> u32 {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}
