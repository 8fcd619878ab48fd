//! The bell in the header and the watch control on an issue's page.
