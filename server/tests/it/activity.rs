//! The issue history on the wire: its kinds are documented and sent as the words they are
//! stored in, so REST clients see what they saw before the history was typed.
use crate::common::{TestDb, new_client, spawn_app};
use app::activity::model::EventKind;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_kind_of_change_in_its_stored_words() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let spec: Value = new_client().get(app.url("/api-docs/openapi.json")).send().await.unwrap().json().await.unwrap();

    let kind = &spec["components"]["schemas"]["Activity"]["properties"]["kind"];
    let schema = match kind["$ref"].as_str() {
        Some(reference) => &spec["components"]["schemas"][reference.rsplit('/').next().unwrap()],
        None => kind,
    };
    assert_eq!(schema["type"], "string", "{kind}");
    let listed: Vec<&str> = schema["enum"].as_array().unwrap_or_else(|| panic!("{schema}")).iter().map(|v| v.as_str().unwrap()).collect();
    let stored: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed, stored);
    assert!(listed.contains(&"status") && listed.contains(&"attachment_added"));
}
