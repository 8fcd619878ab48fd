//! The dashboard's charts, built with charming and drawn by ECharts in the browser. They follow
//! the numbers as they change (ECharts animates to the new values), the window's size and the
//! system's dark mode.
use super::{model::Dashboard, pages::ChartKind};
use charming::{
    Chart, Echarts, WasmRenderer,
    component::{Axis, Grid, Legend},
    element::{AxisType, Tooltip, Trigger},
    series::{Bar, Line},
};
use leptos::{ev, prelude::*};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue, prelude::*};

#[wasm_bindgen]
extern "C" {
    /// `echarts.init` with a theme name ("dark" is built in) and size options.
    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init(element: &web_sys::Element, theme: &str, options: JsValue) -> Echarts;

    /// `echarts.dispose`: frees the chart's canvas and listeners.
    #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
    fn dispose(chart: &Echarts);
}

const SEVERITY_COLOURS: [&str; 4] = ["#64748b", "#ca8a04", "#ea580c", "#dc2626"];
const STATUS_COLOURS: [&str; 4] = ["#0ea5e9", "#8b5cf6", "#f59e0b", "#16a34a"];

fn build(kind: ChartKind, data: &Dashboard) -> Chart {
    let base = Chart::new().background_color("transparent").tooltip(Tooltip::new().trigger(Trigger::Axis)).grid(Grid::new().left(8).right(16).top(32).bottom(8).contain_label(true));
    match kind {
        ChartKind::OpenBySeverity => bars(base, data.open_by_severity.iter().map(|(s, n)| (s.label(), *n)), &SEVERITY_COLOURS, "Open"),
        ChartKind::ByStatus => bars(base, data.by_status.iter().map(|(s, n)| (s.label(), *n)), &STATUS_COLOURS, "Issues"),
        ChartKind::Trend => base
            .legend(Legend::new().top(0))
            .x_axis(Axis::new().type_(AxisType::Category).data(data.trend.iter().map(|d| d.day.format("%m-%d").to_string()).collect()))
            .y_axis(Axis::new().type_(AxisType::Value).min_interval(1))
            .series(Line::new().name("Created").data(data.trend.iter().map(|d| d.created).collect()))
            .series(Line::new().name("Resolved").data(data.trend.iter().map(|d| d.resolved).collect())),
    }
}

fn bars<'a>(base: Chart, values: impl Iterator<Item = (&'a str, i64)>, colours: &[&str], name: &str) -> Chart {
    let (labels, values): (Vec<&str>, Vec<i64>) = values.unzip();
    let points = values
        .into_iter()
        .zip(colours)
        .map(|(n, colour)| charming::datatype::DataPointItem::new(n).item_style(charming::element::ItemStyle::new().color(*colour)).into())
        .collect::<Vec<charming::datatype::DataPoint>>();
    base.x_axis(Axis::new().type_(AxisType::Category).data(labels))
        .y_axis(Axis::new().type_(AxisType::Value).min_interval(1))
        .series(Bar::new().name(name).data(points))
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

/// Draws chart `kind` into the element `id`, and keeps it in step with `data`.
pub fn draw(id: &'static str, kind: ChartKind, data: Signal<Option<Dashboard>>) {
    let chart: StoredValue<Option<(Echarts, bool)>, LocalStorage> = StoredValue::new_local(None);
    let dark = prefers_dark();
    Effect::new(move |_| {
        let Some(numbers) = data.get() else { return };
        let dark = dark.get();
        when_loaded(
            move || {
                let option = build(kind, &numbers);
                chart.update_value(|slot| match slot {
                    Some((echarts, drawn_dark)) if *drawn_dark == dark => WasmRenderer::update(echarts, &option),
                    _ => {
                        if let Some((old, _)) = slot.take() {
                            dispose(&old);
                        }
                        let Some(element) = document().get_element_by_id(id) else { return };
                        let echarts = init(&element, if dark { "dark" } else { "" }, JsValue::UNDEFINED);
                        WasmRenderer::update(&echarts, &option);
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
                echarts.resize(JsValue::UNDEFINED);
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
