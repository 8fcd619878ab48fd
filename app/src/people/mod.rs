//! People as the product shows them: a display name and a unique handle, never an address
//! (except to admins and to the person themselves). Shared by every feature that names someone.
pub mod components;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
