//! The bundled transcoder worker, `olc-node --transcoder`: the node runs the transcoding service
//! of `olc_transcoder::server` (segment ingest, HLS, receipts) and a worker that plays the
//! market's rules by itself, all as tasks on the node's task manager using the node's own client
//! and transaction pool:
//!
//! - **ingest** ([`authority`]): a segment is accepted only for a stream with an open job
//!   assigned to this transcoder at the best block, signed by the stream's segment key, and is
//!   transcoded into that job's profiles;
//! - **claim**, **prove**, **verify**, **withdraw** ([`worker`]), on every new best block;
//! - **metrics** ([`metrics`]) `olc_transcoder_*` on the node's Prometheus registry.
//!
//! The transcoder's account signs receipts and transactions. Its key is `--transcoder-key` (a
//! secret URI, for development and tests) or the node keystore's `olct` sr25519 key
//! (`olc-node key insert --key-type olct --scheme sr25519 ...`). Everything the worker must
//! remember is under `--transcoder-dir` (default `<base path>/chains/<chain>/transcoder`):
//! `service/` (inputs, renditions, receipts), `state.json` (claims made, last withdrawal) and
//! `checks/` (a verifier's downloads while checking).

mod authority;
mod chain;
mod metrics;
mod state;
mod verifier;
mod worker;

use crate::service::FullClient;
use futures::StreamExt;
use sc_client_api::BlockchainEvents;
use sc_service::{Configuration, TaskManager};
use sp_core::{crypto::KeyTypeId, sr25519, Pair as _};
use sp_keystore::Keystore as _;
use std::{net::SocketAddr, path::PathBuf, sync::Arc};

/// Key type of the transcoder's account key in the node keystore.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"olct");

/// Faults a transcoder can be told to commit, to test the network's defences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FaultArg {
	/// Serve renditions of other content, with receipts that match them.
	WrongContent,
	/// Never prove challenged segments.
	NoProofs,
}

/// Command-line options of the bundled transcoder.
#[derive(Debug, Clone, clap::Args)]
pub struct TranscoderParams {
	/// Run the bundled transcoder worker: transcode the segments of jobs assigned to this
	/// node's transcoder account, claim and prove the work, and verify others' claims.
	#[arg(long)]
	pub transcoder: bool,

	/// Secret URI of the transcoder account (development and tests). Without it the `olct`
	/// sr25519 key of the node keystore is used (`olc-node key insert --key-type olct
	/// --scheme sr25519 --suri ...`).
	#[arg(long, value_name = "SURI")]
	pub transcoder_key: Option<String>,

	/// Where the transcoding service listens (segment ingest, HLS, receipts). Register a URI
	/// that reaches it as your service URI.
	#[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8935")]
	pub transcoder_listen: SocketAddr,

	/// The worker's directory (media, receipts, state). Default: `transcoder` under the chain's
	/// data directory.
	#[arg(long, value_name = "PATH")]
	pub transcoder_dir: Option<PathBuf>,

	/// Blocks between claims of a job's newly transcoded segments.
	#[arg(long, value_name = "BLOCKS", default_value_t = 15)]
	pub transcoder_claim_every: u32,

	/// Blocks between withdrawals of earned fees to the account's free balance; 0 never
	/// withdraws.
	#[arg(long, value_name = "BLOCKS", default_value_t = 1800)]
	pub transcoder_withdraw_every: u32,

	/// Report other transcoders' missed verifications (challenges not proven by the deadline)
	/// with `verification.reportMissed`, for the finder fee. Off by default: every worker that
	/// reports the same claim pays the transaction fee, and only the first earns the finder fee.
	#[arg(long)]
	pub transcoder_report_missed: bool,

	/// x264 preset of the renditions.
	#[arg(long, value_name = "PRESET", default_value = "veryfast")]
	pub transcoder_preset: String,

	/// Streams the service serves at once (further ones: `MaxStreams`, 503).
	#[arg(long, value_name = "N", default_value_t = 64)]
	pub transcoder_max_streams: usize,

	/// Segment uploads in progress at once, over all streams (further ones: `TooManyUploads`,
	/// 503, before their body is read).
	#[arg(long, value_name = "N", default_value_t = 32)]
	pub transcoder_max_uploads: usize,

	/// Largest segment body in bytes, checked on Content-Length before the body is read and
	/// while it streams in (`SegmentTooLarge`, 413).
	#[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
	pub transcoder_max_segment_bytes: usize,

	/// Largest source picture, WIDTHxHEIGHT, either orientation (`ResolutionTooLarge`, 422).
	#[arg(long, value_name = "WxH", default_value = "1920x1080")]
	pub transcoder_max_resolution: String,

	/// Most video frames in one segment (`TooManyFrames`, 422).
	#[arg(long, value_name = "N", default_value_t = 600)]
	pub transcoder_max_frames: u64,

	/// Segments a stream may send per segment duration, averaged over 20 s
	/// (`StreamRateExceeded`, 429). A real-time broadcaster sends 1.
	#[arg(long, value_name = "RATE", default_value_t = 2.0)]
	pub transcoder_max_stream_rate: f64,

	/// Seconds without a piece of a segment's body before the upload is refused
	/// (`UploadTimeout`, 408).
	#[arg(long, value_name = "SECS", default_value_t = 10)]
	pub transcoder_upload_timeout_secs: u64,

	/// Seconds a whole segment body may take (`BodyTimeout`, 408).
	#[arg(long, value_name = "SECS", default_value_t = 60)]
	pub transcoder_body_timeout_secs: u64,

	/// Seconds a received segment may wait for a free transcode slot (`TranscoderBusy`, 503).
	#[arg(long, value_name = "SECS", default_value_t = 30)]
	pub transcoder_transcode_wait_secs: u64,

	/// Seconds a request's head may take to arrive; then the connection is closed.
	#[arg(long, value_name = "SECS", default_value_t = 10)]
	pub transcoder_header_timeout_secs: u64,

	/// For tests of the network's defences only.
	#[arg(long, value_enum, hide = true)]
	pub transcoder_fault: Option<FaultArg>,
}

fn other(message: impl Into<String>) -> sc_service::Error {
	sc_service::Error::Other(message.into())
}

/// The transcoder's key pair, from `--transcoder-key` or the keystore.
fn transcoder_pair(
	params: &TranscoderParams,
	config: &Configuration,
	keystore: &sc_service::KeystoreContainer,
) -> Result<sr25519::Pair, sc_service::Error> {
	if let Some(suri) = &params.transcoder_key {
		return sr25519::Pair::from_string(suri, None)
			.map_err(|e| other(format!("--transcoder-key is not a valid secret URI: {e:?}")));
	}
	let publics = keystore.keystore().sr25519_public_keys(KEY_TYPE);
	let Some(public) = publics.first() else {
		return Err(other(
			"--transcoder needs the transcoder account's key: insert it into this node's keystore \
			 with `olc-node key insert --key-type olct --scheme sr25519 --suri <SECRET> \
			 --base-path <same base path> --chain <same chain>`, or pass --transcoder-key <SURI> \
			 (development and tests only)",
		));
	};
	if publics.len() > 1 {
		log::warn!(target: "olc-transcoder", "{} olct keys in the keystore; using the first", publics.len());
	}
	// The service signs receipts with the pair itself, so the secret is read where the local
	// keystore keeps it: a file named by the key type and public key, holding the secret URI
	// (as a JSON string), with the keystore's password if it has one.
	let sc_service::config::KeystoreConfig::Path { path, password } = &config.keystore else {
		return Err(other("the olct key must be in a keystore on disk (or use --transcoder-key)"));
	};
	let file = path.join(format!("{}{}", hex::encode(KEY_TYPE.0), hex::encode(public.0)));
	let text = std::fs::read_to_string(&file)
		.map_err(|e| other(format!("cannot read the olct key {}: {e}", file.display())))?;
	let suri: String = serde_json::from_str(&text)
		.map_err(|e| other(format!("{} is not a keystore key file: {e}", file.display())))?;
	let password = password.as_ref().map(|p| {
		use sp_core::crypto::ExposeSecret as _;
		p.expose_secret().to_string()
	});
	let pair = sr25519::Pair::from_string(&suri, password.as_deref())
		.map_err(|e| other(format!("the olct key in {} does not parse: {e:?}", file.display())))?;
	if pair.public() != *public {
		return Err(other(
			"the olct key file does not hold the key its name says (wrong keystore password?)",
		));
	}
	Ok(pair)
}

/// The `--transcoder-max-*` and `--transcoder-*-secs` limits of the service.
fn apply_limits(
	params: &TranscoderParams,
	service: &mut olc_transcoder::server::ServerConfig,
) -> Result<(), sc_service::Error> {
	let (width, height) =
		olc_transcoder::server::parse_resolution(&params.transcoder_max_resolution)
			.map_err(|e| other(format!("--transcoder-max-resolution: {e}")))?;
	if params.transcoder_max_stream_rate.is_nan() || params.transcoder_max_stream_rate <= 0.0 {
		return Err(other("--transcoder-max-stream-rate must be positive"));
	}
	let secs = |value: u64| std::time::Duration::from_secs(value.max(1));
	service.max_streams = params.transcoder_max_streams;
	service.max_concurrent_uploads = params.transcoder_max_uploads;
	service.max_segment_bytes = params.transcoder_max_segment_bytes;
	service.segment_limits.max_width = width;
	service.segment_limits.max_height = height;
	service.segment_limits.max_frames = params.transcoder_max_frames;
	service.max_segments_per_duration = params.transcoder_max_stream_rate;
	service.upload_read_timeout = secs(params.transcoder_upload_timeout_secs);
	service.body_timeout = secs(params.transcoder_body_timeout_secs);
	service.transcode_wait_timeout = secs(params.transcoder_transcode_wait_secs);
	service.header_read_timeout = secs(params.transcoder_header_timeout_secs);
	Ok(())
}

/// Starts the service and the worker if `--transcoder` was given.
pub fn start(
	params: &TranscoderParams,
	config: &Configuration,
	client: Arc<FullClient>,
	pool: Arc<chain::Pool>,
	keystore: &sc_service::KeystoreContainer,
	sync: Arc<dyn sp_consensus::SyncOracle + Send + Sync>,
	task_manager: &TaskManager,
) -> Result<(), sc_service::Error> {
	if !params.transcoder {
		return Ok(());
	}
	olc_transcoder::init_ffmpeg().map_err(|e| other(format!("cannot initialise FFmpeg: {e}")))?;
	let pair = transcoder_pair(params, config, keystore)?;
	let dir = params
		.transcoder_dir
		.clone()
		.unwrap_or_else(|| config.data_path.join("transcoder"));
	let service_dir = dir.join("service");
	std::fs::create_dir_all(&service_dir)
		.map_err(|e| other(format!("cannot create {}: {e}", service_dir.display())))?;
	let metrics = metrics::Metrics::new(config.prometheus_registry())
		.map_err(|e| other(format!("cannot register the transcoder metrics: {e}")))?;
	let chain = chain::Chain::new(client.clone());
	let submitter = Arc::new(chain::Submitter::new(chain.clone(), pool, pair.clone()));
	let me = submitter.account().clone();

	let mut service = olc_transcoder::server::ServerConfig::new(service_dir.clone(), pair);
	service.ladder.x264.preset = params.transcoder_preset.clone();
	apply_limits(params, &mut service)?;
	service.authority =
		Some(Arc::new(authority::ChainAuthority::new(chain.clone(), me.clone(), metrics.clone())));
	if params.transcoder_fault == Some(FaultArg::WrongContent) {
		log::warn!(target: "olc-transcoder", "FAULT wrong-content: serving renditions of other content");
		service.fault = Some(olc_transcoder::server::Fault::WrongContent);
	}
	let listener = std::net::TcpListener::bind(params.transcoder_listen)
		.and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
		.map_err(|e| {
			other(format!("the transcoder cannot listen on {}: {e}", params.transcoder_listen))
		})?;
	log::info!(
		target: "olc-transcoder",
		"transcoder {me}: service on http://{}, data in {}",
		params.transcoder_listen,
		dir.display()
	);
	task_manager.spawn_essential_handle().spawn(
		"olc-transcoder-service",
		Some("olc-transcoder"),
		async move {
			let listener = match tokio::net::TcpListener::from_std(listener) {
				Ok(listener) => listener,
				Err(error) => {
					log::error!(target: "olc-transcoder", "the service cannot start: {error}");
					return;
				},
			};
			if let Err(error) = olc_transcoder::server::serve(listener, service).await {
				log::error!(target: "olc-transcoder", "the service stopped: {error}");
			}
		},
	);

	let worker_config = worker::WorkerConfig {
		claim_every: params.transcoder_claim_every.max(1),
		withdraw_every: params.transcoder_withdraw_every,
		skip_proofs: params.transcoder_fault == Some(FaultArg::NoProofs),
		report_missed: params.transcoder_report_missed,
		service_dir,
		listen: params.transcoder_listen.to_string(),
	};
	if worker_config.skip_proofs {
		log::warn!(target: "olc-transcoder", "FAULT no-proofs: challenged segments will not be proven");
	}
	let verifier = verifier::Verifier::new(dir.join("checks")).map_err(other)?;
	let mut worker = worker::Worker::new(
		chain.clone(),
		submitter,
		worker_config,
		metrics,
		task_manager.spawn_handle(),
		verifier,
		state::StateFile::new(&dir),
		sync,
	)
	.map_err(other)?;
	task_manager.spawn_essential_handle().spawn(
		"olc-transcoder-worker",
		Some("olc-transcoder"),
		async move {
			let mut blocks = client.import_notification_stream();
			// The state at start-up, before the first new block.
			let (best, number) = chain.best();
			worker.on_best_block(best, number);
			while let Some(block) = blocks.next().await {
				if !block.is_new_best {
					continue;
				}
				// While syncing, only the newest block matters.
				let (best, number) = chain.best();
				if block.hash != best {
					continue;
				}
				worker.on_best_block(best, number);
			}
		},
	);
	Ok(())
}
