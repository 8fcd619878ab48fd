//! Integration tests: the real app on port 0, each test on a fresh SQLite file and a fresh
//! PostgreSQL database. One binary, so the app is linked once for all of them.
#![allow(dead_code)]

#[macro_use]
mod common;

mod activity;
mod api;
mod assignment;
mod attachments;
mod bulk;
mod audit;
mod auth;
mod comments;
mod control_chars;
mod editing;
mod errors;
mod filing;
mod health;
mod hostile_input;
mod issue_list;
mod look_alike;
mod live;
mod mail;
mod mail_faults;
mod markdown;
mod metrics;
mod migrations;
mod notification_mail;
mod notifications;
mod oidc;
mod outage;
mod password_reset;
mod people;
mod permissions;
mod query_language;
mod query_plans;
mod search;
mod security_cases;
mod seeding;
mod security_headers;
mod smtp_sink;
mod startup_errors;
mod stats;
mod stats_lock;
mod tagging;
mod templates;
mod triage;
mod upload_limits;
mod views;
mod visibility;
mod writer;
