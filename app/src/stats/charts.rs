//! The dashboard's charts, drawn by ECharts in the browser from the options the server built
//! (see `options.rs`). They follow the numbers as they change (ECharts animates to the new
//! values), the window's size and the system's dark mode.
use leptos::{ev, prelude::*};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue, prelude::*};

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    type EChart;

    /// `echarts.init` with a theme name ("dark" is built in).
    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init(element: &web_sys::Element, theme: &str) -> EChart;

    /// `echarts.dispose`: frees the chart's canvas and listeners.
    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn dispose(chart: &EChart);

    /// Draws `option`, animating from what is shown.
    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &EChart, option: &JsValue);

    #[wasm_bindgen(method)]
    fn resize(this: &EChart);
}

/// Hands the server's option (JSON) to the chart.
fn show(chart: &EChart, option: &str) {
    match js_sys::JSON::parse(option) {
        Ok(option) => chart.set_option(&option),
        Err(_) => leptos::logging::warn!("unreadable chart option; the numbers are in the tables"),
    }
}

fn echarts_loaded() -> bool {
    js_sys::Reflect::has(&window(), &JsValue::from_str("echarts")).unwrap_or(false)
}

/// Calls `then` once the ECharts script has run (it loads with the page, deferred).
fn when_loaded(then: impl FnOnce() + 'static, attempts_left: u32) {
    if echarts_loaded() {
        then();
    } else if attempts_left > 0 {
        set_timeout(move || when_loaded(then, attempts_left - 1), Duration::from_millis(50));
    } else {
        leptos::logging::warn!("the chart script did not load; the numbers are in the tables");
    }
}

fn prefers_dark() -> RwSignal<bool> {
    let query = window().match_media("(prefers-color-scheme: dark)").ok().flatten();
    let dark = RwSignal::new(query.as_ref().is_some_and(|q| q.matches()));
    if let Some(query) = query {
        let on_change = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(move |e: web_sys::MediaQueryListEvent| dark.set(e.matches()));
        let _ = query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        let callback: js_sys::Function = on_change.into_js_value().unchecked_into();
        on_cleanup(move || {
            let _ = query.remove_event_listener_with_callback("change", &callback);
        });
    }
    dark
}

/// Draws the chart whose option is `option` into the element `id`, and keeps it in step.
pub fn draw(id: &'static str, option: Signal<Option<String>>) {
    let chart: StoredValue<Option<(EChart, bool)>, LocalStorage> = StoredValue::new_local(None);
    let dark = prefers_dark();
    Effect::new(move |_| {
        let Some(option) = option.get() else { return };
        let dark = dark.get();
        when_loaded(
            move || {
                chart.update_value(|slot| match slot {
                    Some((echarts, drawn_dark)) if *drawn_dark == dark => show(echarts, &option),
                    _ => {
                        if let Some((old, _)) = slot.take() {
                            dispose(&old);
                        }
                        let Some(element) = document().get_element_by_id(id) else { return };
                        let echarts = init(&element, if dark { "dark" } else { "" });
                        show(&echarts, &option);
                        *slot = Some((echarts, dark));
                    }
                });
            },
            200,
        );
    });
    let resize = window_event_listener(ev::resize, move |_| {
        chart.with_value(|slot| {
            if let Some((echarts, _)) = slot {
                echarts.resize();
            }
        })
    });
    on_cleanup(move || {
        resize.remove();
        if let Some(Some((echarts, _))) = chart.try_update_value(Option::take) {
            dispose(&echarts);
        }
    });
}
