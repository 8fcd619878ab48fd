//! `/ws`: change notices for the signed-in user, filtered by what they may see. Each socket
//! has its own bounded queue (the hub's broadcast); one that falls behind is told to resync,
//! so a slow client never slows the others and never silently misses a change.
use app::server::rest::ApiError;
use app::{
    access::IssueScope,
    auth::model::CurrentUser,
    error::AppError,
    live::{IssueVersion, LiveMessage},
    server::{AppState, events::Notice, feed::Prepared},
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{Message, Utf8Bytes, WebSocket},
    },
    http::{HeaderMap, header},
    response::Response,
};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How often an idle socket is pinged, so dead peers are noticed and proxies keep it open.
const PING_EVERY: Duration = Duration::from_secs(25);
/// How long one message may take to go out before the client counts as gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether the browser page asking is this site: a cross-site page may not open a socket
/// with the user's cookie. Clients that send no Origin (native ones, tests) use tokens anyway.
fn same_origin(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    if let Some(public) = public_url {
        return origin == public;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// The upgrade: authenticated like any request (cookie or bearer), and checked against the origin.
pub async fn socket(State(state): State<AppState>, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Result<Response, ApiError> {
    if !same_origin(&headers, state.settings.public_url.as_deref()) {
        return Err(AppError::Forbidden.into());
    }
    let token = app::auth::service::token_from_headers(&headers, state.settings.cookie_name()).ok_or(AppError::Unauthorized)?.to_owned();
    let user = app::auth::service::authenticate(&state, &token).await?;
    Ok(upgrade.max_message_size(4 * 1024).on_upgrade(move |socket| serve(socket, state, token, user)))
}

/// What `user` may hear of `prepared`, if anything. The same rule as every issue reader's
/// (`app::access`): reporters hear only about their own issues. An issue's message, row
/// included, was serialized once for every socket.
fn message_for(user: &CurrentUser, prepared: &Prepared) -> Option<Outgoing> {
    match prepared.notice {
        Notice::Issue { reporter_id, .. } if IssueScope::of(user).covers(reporter_id) => prepared.issue_message.clone().map(Outgoing::Text),
        Notice::Issues { change, ref issues } => {
            let scope = IssueScope::of(user);
            let issues: Vec<IssueVersion> =
                issues.iter().filter(|issue| scope.covers(issue.reporter_id)).map(|issue| IssueVersion { issue_id: issue.issue_id, version: issue.version }).collect();
            (!issues.is_empty()).then_some(Outgoing::Message(LiveMessage::Issues { change, issues }))
        }
        Notice::Resync => Some(Outgoing::Message(LiveMessage::Resync)),
        Notice::Inbox { ref user_ids } if user_ids.contains(&user.id) => Some(Outgoing::Message(LiveMessage::Inbox)),
        _ => None,
    }
}

/// A message for one socket, or one already serialized for many.
enum Outgoing {
    Message(LiveMessage),
    Text(Utf8Bytes),
}

impl From<LiveMessage> for Outgoing {
    fn from(message: LiveMessage) -> Outgoing {
        Outgoing::Message(message)
    }
}

async fn send(socket: &mut WebSocket, message: impl Into<Outgoing>) -> bool {
    let text = match message.into() {
        Outgoing::Message(message) => serde_json::to_string(&message).expect("a live message serialises").into(),
        Outgoing::Text(text) => text,
    };
    let sent = matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text))).await, Ok(Ok(())));
    if sent {
        metrics::counter!("websocket_messages_sent_total").increment(1);
    }
    sent
}

async fn serve(mut socket: WebSocket, state: AppState, token: String, mut user: CurrentUser) {
    let mut notices = state.feed.subscribe();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    if !send(&mut socket, LiveMessage::Hello { at: chrono::Utc::now() }).await {
        return;
    }
    loop {
        tokio::select! {
            received = notices.recv() => {
                let message = match received {
                    Ok(prepared) if matches!(prepared.notice, Notice::Account { user_id } if user_id == user.id) => {
                        // A role change, sign-out or deactivation: check the session again, at once.
                        match app::auth::service::authenticate(&state, &token).await {
                            Ok(fresh) => {
                                user = fresh;
                                Some(Outgoing::Message(LiveMessage::Resync))
                            }
                            Err(_) => {
                                let _ = send(&mut socket, LiveMessage::SignedOut).await;
                                let _ = socket.send(Message::Close(None)).await;
                                return;
                            }
                        }
                    }
                    Ok(prepared) => message_for(&user, &prepared),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "socket fell behind; asking it to resync");
                        Some(Outgoing::Message(LiveMessage::Resync))
                    }
                    Err(RecvError::Closed) => return,
                };
                if let Some(message) = message {
                    if !send(&mut socket, message).await {
                        return;
                    }
                }
            }
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                // Clients only listen; pings are answered by the socket itself.
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), v.parse().unwrap())).collect()
    }

    #[test]
    fn only_this_sites_pages_may_open_a_socket() {
        let host = (header::HOST, "tracker.example:3000");
        assert!(same_origin(&headers(&[host.clone(), (header::ORIGIN, "http://tracker.example:3000")]), None));
        assert!(!same_origin(&headers(&[host.clone(), (header::ORIGIN, "http://evil.example")]), None));
        assert!(same_origin(&headers(&[host.clone()]), None), "no Origin: not a browser page");
        assert!(same_origin(&headers(&[(header::ORIGIN, "https://tracker.example")]), Some("https://tracker.example")));
        assert!(!same_origin(&headers(&[host, (header::ORIGIN, "http://tracker.example:3000")]), Some("https://tracker.example")));
    }
}
