//! The OpenLive web app (`web/`): the viewer page, the broadcaster's studio and the OBS overlay,
//! served from the same origin as the HLS.
//!
//! `scripts/build.sh` builds `web/` (esbuild) into `web/dist/` before cargo, and the files are
//! embedded into the binary at compile time (rust-embed, release builds), so one binary serves
//! everything: `olc-transcoder serve` and `olc-node --transcoder` alike. A build without
//! `web/dist/` still compiles and answers the pages with 404 `NoWebApp`. For work on the pages,
//! [`super::ServerConfig::web_dir`] (`olc-transcoder serve --web-dir web/dist`) serves them
//! from disk instead, so a rebuild of the bundle needs no rebuild of the binary.
//!
//! Routes: `GET /watch`, `/studio`, `/overlay` (each page's HTML; the query string, e.g.
//! `?stream=0x…&rpc=ws://…`, is read by the page), and `GET /web/{file}` (bundles, styles).
//! HTML is `no-cache`; other files are revalidated too (their names carry no hash).

use super::AppState;
use axum::{
	extract::{Path as UrlPath, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
};
use std::{borrow::Cow, sync::Arc};

#[derive(rust_embed::Embed)]
#[folder = "../web/dist/"]
#[allow_missing = true]
struct Embedded;

/// The pages, by route.
pub const PAGES: [&str; 3] = ["watch", "studio", "overlay"];

fn mime_of(file: &str) -> &'static str {
	match file.rsplit_once('.').map(|(_, ext)| ext) {
		Some("html") => "text/html; charset=utf-8",
		Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
		Some("css") => "text/css; charset=utf-8",
		Some("svg") => "image/svg+xml",
		Some("json") | Some("map") => "application/json",
		Some("png") => "image/png",
		Some("woff2") => "font/woff2",
		_ => "application/octet-stream",
	}
}

/// Reads `file` (a path inside `web/dist/`: `watch.html`, `web/watch.js`; never `..`) from the configured
/// directory or the embedded copy.
async fn read(state: &AppState, file: &str) -> Option<Cow<'static, [u8]>> {
	match &state.config.web_dir {
		Some(dir) => tokio::fs::read(dir.join(file)).await.ok().map(Cow::Owned),
		None => Embedded::get(file).map(|found| found.data),
	}
}

fn not_found(what: &str) -> Response {
	(StatusCode::NOT_FOUND, format!("NoWebApp: {what} is not in this build (run scripts/build.sh)"))
		.into_response()
}

async fn answer(state: &AppState, file: &str) -> Response {
	match read(state, file).await {
		Some(body) => (
			[(header::CONTENT_TYPE, mime_of(file)), (header::CACHE_CONTROL, "no-cache")],
			body.into_owned(),
		)
			.into_response(),
		None => not_found(file),
	}
}

/// `GET /watch`, `/studio`, `/overlay`.
pub async fn page(State(state): State<Arc<AppState>>, uri: axum::http::Uri) -> Response {
	let name = uri.path().trim_start_matches('/');
	if !PAGES.contains(&name) {
		return not_found(name);
	}
	answer(&state, &format!("{name}.html")).await
}

/// `GET /web/{file}`: a bundle or style sheet of the pages.
pub async fn asset(State(state): State<Arc<AppState>>, UrlPath(file): UrlPath<String>) -> Response {
	let safe = !file.is_empty()
		&& file.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
		&& !file.starts_with('.');
	if !safe {
		return not_found("that file");
	}
	answer(&state, &format!("web/{file}")).await
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn mime_types() {
		assert_eq!(mime_of("watch.html"), "text/html; charset=utf-8");
		assert_eq!(mime_of("watch.js"), "text/javascript; charset=utf-8");
		assert_eq!(mime_of("app.css"), "text/css; charset=utf-8");
		assert_eq!(mime_of("x"), "application/octet-stream");
	}
}
