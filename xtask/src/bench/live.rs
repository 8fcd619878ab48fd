//! S4: WebSocket fan-out. Many signed-in clients listen on `/ws` while issues are filed at a
//! steady rate over HTTP; each notice is matched to the request that caused it by issue id.
use futures::StreamExt;
use hdrhistogram::Histogram;
use chrono::{DateTime, Utc};
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::{sync::watch, task::JoinSet};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

/// What the fan-out measured. Latencies in milliseconds to the moment a client read the notice:
/// from the moment the creating request was sent (the whole request included), and from the
/// moment the server wrote the issue in its transaction (its `updated_at`, on the same clock).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FanOut {
    pub clients: usize,
    pub connect_failures: usize,
    /// Issues created (each should reach every client).
    pub published: u64,
    pub publish_errors: u64,
    pub expected: u64,
    pub delivered: u64,
    pub dropped: u64,
    /// Resync messages: a client fell behind or the hub lost notices.
    pub resyncs: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// From the issue's write to a client's receipt: the fan-out alone, without the request's
    /// parsing, sign-in check and answer.
    pub written_p50_ms: f64,
    pub written_p99_ms: f64,
    pub written_max_ms: f64,
    /// The creating requests' own round trip, for comparison.
    pub create_p99_ms: f64,
    /// CPU cores the server and this benchmark process used while publishing: both share the
    /// machine, so a busy client delays what it measures.
    pub server_cpu_cores: f64,
    pub bench_cpu_cores: f64,
}

pub struct Settings<'a> {
    pub addr: &'a str,
    pub server_pid: u32,
    pub token: &'a str,
    pub create_path: &'a str,
    pub clients: usize,
    pub events_per_sec: u32,
    pub duration: Duration,
}

/// One client's notices of created issues: (issue id, when it was read, by both clocks).
type Heard = Vec<(i64, Instant, DateTime<Utc>)>;

/// The issues filed: by id, when the request went out, how long it took, and when the server
/// wrote the issue.
type Sent = HashMap<i64, (Instant, Duration, DateTime<Utc>)>;

/// What all clients count together while the run goes on.
#[derive(Default)]
struct Counters {
    /// Clients that were greeted by the server.
    ready: AtomicU64,
    /// Clients that failed before that.
    failed: AtomicU64,
    heard: AtomicU64,
    resyncs: AtomicU64,
}

async fn listen(addr: String, token: String, counters: Arc<Counters>, stop: watch::Receiver<bool>) -> Result<Heard, String> {
    let result = receive(&addr, &token, &counters, stop).await;
    if let Err(err) = &result {
        failed(&counters.failed, "a WebSocket client", err);
    }
    result
}

/// What a client reads of a notice. The row an issue notice carries is skipped, not built:
/// a thousand clients share the server's two cores, and their parsing delays what they measure.
#[derive(serde::Deserialize)]
struct Notice<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(default)]
    issue_id: i64,
    #[serde(default, borrow)]
    change: Option<std::borrow::Cow<'a, str>>,
}

/// A socket on the server's `/ws`, signed in with `token` as a native client would be.
pub(super) async fn open_socket(addr: &str, token: &str) -> Result<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>, String> {
    let mut request = format!("ws://{addr}/ws").into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| e.to_string())?);
    let (socket, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| format!("connect: {e}"))?;
    Ok(socket)
}

async fn receive(addr: &str, token: &str, counters: &Counters, mut stop: watch::Receiver<bool>) -> Result<Heard, String> {
    let mut socket = open_socket(addr, token).await?;
    let mut heard = Vec::new();
    let mut greeted = false;
    loop {
        tokio::select! {
            message = socket.next() => {
                let Some(message) = message else { return Err("the server closed the socket".into()) };
                let text = match message.map_err(|e| e.to_string())? {
                    Message::Text(text) => text,
                    _ => continue,
                };
                let (now, wall) = (Instant::now(), Utc::now());
                let notice: Notice = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                match notice.kind.as_ref() {
                    "hello" if !greeted => {
                        greeted = true;
                        counters.ready.fetch_add(1, Ordering::Relaxed);
                    }
                    "issue" if notice.change.as_deref() == Some("created") => {
                        heard.push((notice.issue_id, now, wall));
                        counters.heard.fetch_add(1, Ordering::Relaxed);
                    }
                    "resync" => {
                        counters.resyncs.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
            _ = stop.changed() => {
                let _ = socket.close(None).await;
                return Ok(heard);
            }
        }
    }
}

/// Files one issue; returns its id and when the server wrote it.
async fn create(client: &reqwest::Client, url: &str, token: &str, n: u64) -> Result<(i64, DateTime<Utc>), String> {
    let form = [("title", format!("Fan-out notice {n} arrives everywhere")), ("description", "Filed by the benchmark.".to_owned()), ("severity", "LOW".to_owned())];
    let response = client.post(url).bearer_auth(token).form(&form).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!("{status}: {body}"));
    }
    let summary = serde_json::from_str::<serde_json::Value>(&body).map_err(|e| format!("the answer ({status}) is not JSON: {e}"))?["summary"].take();
    let id = summary["id"].as_i64().ok_or_else(|| format!("no issue id in the answer ({status})"))?;
    let written = summary["updated_at"].as_str().and_then(|at| DateTime::parse_from_rfc3339(at).ok()).ok_or_else(|| format!("no updated_at in the answer ({status})"))?;
    Ok((id, written.with_timezone(&Utc)))
}

fn millis(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    histogram.value_at_quantile(quantile) as f64 / 1000.0
}

/// A histogram's p50, p99 and maximum, in milliseconds.
fn spread(histogram: &Histogram<u64>) -> (f64, f64, f64) {
    (millis(histogram, 0.5), millis(histogram, 0.99), histogram.max() as f64 / 1000.0)
}

/// Runs `act(n)` `rate` times a second for `duration` (each run overlapping the next when it
/// takes longer), from a thread and runtime of its own, so that the clients' work cannot delay a
/// request or its timing. Returns how many it started, once all have finished; an error only
/// when the runtime cannot start.
pub(super) fn steadily<F, Fut>(rate: u32, duration: Duration, act: F) -> Result<u64, String>
where
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let worker = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let mut running = JoinSet::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
            let total = (duration.as_secs_f64() * f64::from(rate)).round() as u64;
            for n in 0..total {
                tick.tick().await;
                running.spawn(act(n));
            }
            while running.join_next().await.is_some() {}
            Ok(total)
        })
    });
    worker.join().map_err(|_| "a steady-rate worker panicked".to_owned())?
}

/// Counts a failure; the first one of each kind is printed.
pub(super) fn failed(errors: &AtomicU64, what: &str, err: impl std::fmt::Display) {
    if errors.fetch_add(1, Ordering::Relaxed) == 0 {
        eprintln!("bench: {what} failed: {err}");
    }
}

/// Files issues at `rate` per second for `duration` (see [`steadily`]). Returns when each was
/// sent and how long it took, by issue id, and how many failed.
fn publish(url: &str, token: &str, rate: u32, duration: Duration) -> Result<(Sent, u64), String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(30)).build().map_err(|e| e.to_string())?;
    let sent: Arc<Mutex<Sent>> = Arc::default();
    let errors = Arc::new(AtomicU64::new(0));
    let (url, token) = (url.to_owned(), token.to_owned());
    let (kept, counted) = (sent.clone(), errors.clone());
    steadily(rate, duration, move |n| {
        let (client, url, token, sent, errors) = (client.clone(), url.clone(), token.clone(), kept.clone(), counted.clone());
        async move {
            let at = Instant::now();
            match create(&client, &url, &token, n).await {
                Ok((id, written)) => {
                    sent.lock().expect("not poisoned").insert(id, (at, at.elapsed(), written));
                }
                Err(err) => failed(&errors, "creating an issue for the fan-out", err),
            }
        }
    })?;
    let sent = std::mem::take(&mut *sent.lock().expect("not poisoned"));
    Ok((sent, errors.load(Ordering::Relaxed)))
}

/// User plus system CPU time of process `pid` so far, in seconds (from /proc, at 100 ticks a second).
pub(super) fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Connects the clients, publishes for the given time, waits for stragglers, and measures.
pub async fn fan_out(settings: Settings<'_>) -> Result<FanOut, String> {
    let counters = Arc::new(Counters::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut listeners = JoinSet::new();
    for n in 0..settings.clients {
        listeners.spawn(listen(settings.addr.to_owned(), settings.token.to_owned(), counters.clone(), stop_rx.clone()));
        // Opened in waves, as a crowd arriving would; the handshake also signs each one in.
        if n % 50 == 49 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let settled = |c: &Counters| (c.ready.load(Ordering::Relaxed) + c.failed.load(Ordering::Relaxed)) as usize >= settings.clients;
    while !settled(&counters) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut result = FanOut { clients: counters.ready.load(Ordering::Relaxed) as usize, ..Default::default() };
    result.connect_failures = settings.clients - result.clients;

    let cpu_before = (cpu_seconds(settings.server_pid), cpu_seconds(std::process::id()));
    let window = Instant::now();
    let (url, token) = (format!("http://{}{}", settings.addr, settings.create_path), settings.token.to_owned());
    let (rate, duration) = (settings.events_per_sec, settings.duration);
    let (sent, errors) = tokio::task::spawn_blocking(move || publish(&url, &token, rate, duration)).await.map_err(|e| e.to_string())??;
    let window = window.elapsed().as_secs_f64();
    if let ((Some(server0), Some(client0)), Some(server1), Some(client1)) = (cpu_before, cpu_seconds(settings.server_pid), cpu_seconds(std::process::id())) {
        result.server_cpu_cores = (server1 - server0) / window;
        result.bench_cpu_cores = (client1 - client0) / window;
    }
    result.published = sent.len() as u64;
    result.publish_errors = errors;
    result.expected = result.published * result.clients as u64;
    // Stragglers get up to five seconds.
    let grace = Instant::now() + Duration::from_secs(5);
    while counters.heard.load(Ordering::Relaxed) < result.expected && Instant::now() < grace {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(true);
    let mut latency = Histogram::<u64>::new_with_bounds(1, 120_000_000, 3).map_err(|e| e.to_string())?;
    let mut round_trip = latency.clone();
    let mut from_write = latency.clone();
    for (_, took, _) in sent.values() {
        let _ = round_trip.record(took.as_micros() as u64);
    }
    while let Some(joined) = listeners.join_next().await {
        let Ok(Ok(heard)) = joined else { continue };
        for (id, at, wall) in heard {
            if let Some((sent_at, _, written)) = sent.get(&id) {
                result.delivered += 1;
                latency.saturating_record(at.saturating_duration_since(*sent_at).as_micros().max(1) as u64);
                from_write.saturating_record((wall - *written).num_microseconds().unwrap_or(0).max(1) as u64);
            }
        }
    }
    result.dropped = result.expected.saturating_sub(result.delivered);
    result.resyncs = counters.resyncs.load(Ordering::Relaxed);
    (result.p50_ms, result.p99_ms, result.max_ms) = spread(&latency);
    (result.written_p50_ms, result.written_p99_ms, result.written_max_ms) = spread(&from_write);
    result.create_p99_ms = millis(&round_trip, 0.99);
    Ok(result)
}
