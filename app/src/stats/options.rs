//! The dashboard's charts as ECharts options, built with charming on the server and sent as
//! JSON: the browser only hands them to ECharts.
use super::model::{ChartOptions, Dashboard};
use charming::{
    Chart,
    component::{Axis, Grid, Legend},
    datatype::{DataPoint, DataPointItem},
    element::{AxisType, ItemStyle, Tooltip, Trigger},
    series::{Bar, Line},
};

const SEVERITY_COLOURS: [&str; 4] = ["#64748b", "#ca8a04", "#ea580c", "#dc2626"];
const STATUS_COLOURS: [&str; 4] = ["#0ea5e9", "#8b5cf6", "#f59e0b", "#16a34a"];

/// Every chart of the dashboard for `data`.
pub fn chart_options(data: &Dashboard) -> ChartOptions {
    let base = || {
        Chart::new()
            .background_color("transparent")
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .grid(Grid::new().left(8).right(16).top(32).bottom(8).contain_label(true))
    };
    let trend = base()
        .legend(Legend::new().top(0))
        .x_axis(Axis::new().type_(AxisType::Category).data(data.trend.iter().map(|d| d.day.format("%m-%d").to_string()).collect()))
        .y_axis(Axis::new().type_(AxisType::Value).min_interval(1))
        .series(Line::new().name("Created").data(data.trend.iter().map(|d| d.created).collect()))
        .series(Line::new().name("Resolved").data(data.trend.iter().map(|d| d.resolved).collect()));
    ChartOptions {
        open_by_severity: json(bars(base(), data.open_by_severity.iter().map(|(s, n)| (s.label(), *n)), &SEVERITY_COLOURS, "Open")),
        by_status: json(bars(base(), data.by_status.iter().map(|(s, n)| (s.label(), *n)), &STATUS_COLOURS, "Issues")),
        trend: json(trend),
    }
}

fn bars<'a>(base: Chart, values: impl Iterator<Item = (&'a str, i64)>, colours: &[&str], name: &str) -> Chart {
    let (labels, values): (Vec<&str>, Vec<i64>) = values.unzip();
    let points = values.into_iter().zip(colours).map(|(n, colour)| DataPointItem::new(n).item_style(ItemStyle::new().color(*colour)).into()).collect::<Vec<DataPoint>>();
    base.x_axis(Axis::new().type_(AxisType::Category).data(labels))
        .y_axis(Axis::new().type_(AxisType::Value).min_interval(1))
        .series(Bar::new().name(name).data(points))
}

fn json(chart: Chart) -> String {
    serde_json::to_string(&chart).unwrap_or_default()
}
