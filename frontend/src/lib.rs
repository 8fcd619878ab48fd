//! The browser's entry point: hydrates the server-rendered page.
#![recursion_limit = "512"]

/// Called by the generated loader once the WASM module is ready.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronously: a page whose code is a chunk of its own hydrates once the chunk is here.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("the page has a body");
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Reached only when hydration succeeded (a mismatch panics first), so tests and tools
        // can wait for this attribute.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
