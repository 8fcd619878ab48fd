//! The REST API under `/api/v1`, assembled from the features' routes. Each feature's handlers
//! live next to the service they adapt (`app::<feature>::rest`) and bring their part of the
//! OpenAPI document with them, so no route can be missing from `/api-docs/openapi.json`.
use app::server::{
    AppState,
    rest::{ErrorBody, ErrorCode, ErrorDetail},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Issues & Insights Tracker API", description = "Everything the web app does, over JSON. Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/tokens`."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode)),
    tags(
        (name = "auth", description = "Tokens and the signed-in user"),
        (name = "users", description = "Accounts and roles (admins)"),
        (name = "people", description = "People by handle: their name and the open issues assigned to them"),
        (name = "issues", description = "Issues, their workflow, tags and activity"),
        (name = "comments", description = "Comments on issues"),
        (name = "attachments", description = "Files on issues"),
        (name = "tags", description = "The tag list"),
        (name = "templates", description = "Issue templates: what filing starts from"),
        (name = "views", description = "Saved views of the issue list, with their counts"),
        (name = "dashboard", description = "Statistics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()));
    }
}

/// The REST API: its routes, and the OpenAPI document describing exactly them.
pub struct Api {
    /// Every route with a JSON body (or none), under the general body limit.
    pub routes: axum::Router<AppState>,
    /// The upload route, which the router gives the attachment size limit instead.
    pub uploads: axum::Router<AppState>,
    pub doc: utoipa::openapi::OpenApi,
}

/// The features' routes and document parts, put together.
pub fn api() -> Api {
    let (routes, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(app::auth::rest::routes())
        .merge(app::issues::rest::routes())
        .merge(app::comments::rest::routes())
        .merge(app::attachments::rest::routes())
        .merge(app::tags::rest::routes())
        .merge(app::templates::rest::routes())
        .merge(app::views::rest::routes())
        .merge(app::stats::rest::routes())
        .merge(app::notifications::rest::routes())
        .merge(app::outbox::rest::routes())
        .split_for_parts();
    let (uploads, upload_doc) = app::attachments::rest::upload_routes().split_for_parts();
    doc.merge(upload_doc);
    Api { routes, uploads, doc }
}
