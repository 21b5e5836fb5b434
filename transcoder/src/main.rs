//! `olc-transcoder`: broadcaster segmenter, transcoding service and content checker.

use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use codec::Encode;
use olc_primitives::{blake2_256, Profile, SignedSegmentHeader, StreamId};
use olc_transcoder::{
	check, keys,
	ladder::{LadderConfig, StreamTranscoder},
	media::X264Settings,
	push::{
		self, FixedTarget, PushConfig, PushEvent, PushSummary, Pusher, QueuedSegment, RpcLookup,
	},
	segmenter::{self, SegmenterConfig, Source},
	server::{self, Fault, ServerConfig},
};
use sp_core::Pair as _;
use std::{path::PathBuf, process::ExitCode, time::Duration};

mod chat_cmd;

#[derive(Parser)]
#[command(name = "olc-transcoder", version, about = "OpenLive Coin media pipeline")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

/// The dev seed `--seed` defaults to.
const DEFAULT_SEED: &str = "//Alice";

#[derive(Args, Clone)]
struct KeyArgs {
	/// File holding the sr25519 secret URI (mnemonic or 0x seed).
	#[arg(long)]
	key_file: Option<PathBuf>,
	/// Dev seed used when no key file is given.
	#[arg(long, default_value = DEFAULT_SEED)]
	seed: String,
}

#[derive(Subcommand)]
enum Command {
	/// Cut a source into signed 2 s MPEG-TS segments; push them to the transcoders the chain
	/// assigned to the stream (--rpc) or to one transcoder (--push), and/or write them to a
	/// directory (--out-dir).
	Broadcast {
		/// A file, `testsrc[:WxH@FPS]`, or `rtmp://127.0.0.1:1935/live/KEY` to listen for OBS.
		#[arg(long)]
		input: String,
		#[command(flatten)]
		key: KeyArgs,
		/// Stream id (64 hex digits): the stream created on chain (required with --rpc);
		/// default derived from the broadcaster key.
		#[arg(long)]
		stream_id: Option<String>,
		/// Write `{seq}.ts` and `{seq}.header` (hex SCALE signed header) here.
		#[arg(long)]
		out_dir: Option<PathBuf>,
		/// A node's WebSocket RPC, e.g. ws://127.0.0.1:9944: segments go to the transcoder of
		/// every open job of the stream (`jobs_openJobsOfStream`), following re-elections.
		#[arg(long, requires = "stream_id", conflicts_with = "push")]
		rpc: Option<String>,
		/// One transcoder's base URL to POST segments to, without a chain, e.g.
		/// http://127.0.0.1:8935.
		#[arg(long)]
		push: Option<String>,
		/// Replay a file as a live stream, forever, in real time.
		#[arg(long = "loop")]
		loop_input: bool,
		/// Pace output in real time (implied by --loop and testsrc without --segments).
		#[arg(long)]
		realtime: bool,
		/// Stop after this many segments.
		#[arg(long)]
		segments: Option<u64>,
		#[arg(long, default_value_t = 2)]
		segment_seconds: u32,
		#[arg(long, default_value_t = 4000)]
		bitrate_kbps: u32,
		#[arg(long, default_value = "veryfast")]
		preset: String,
	},
	/// Run the transcoding service (segment ingest, HLS, receipts).
	Serve {
		#[arg(long, default_value = "127.0.0.1:8935")]
		listen: String,
		#[arg(long, default_value = "olc-transcoder-data")]
		data_dir: PathBuf,
		#[command(flatten)]
		key: KeyArgs,
		#[arg(long, default_value = "veryfast")]
		preset: String,
		/// x264 tune; "none" disables it (the encoder is then drained and reopened per segment).
		#[arg(long, default_value = "zerolatency")]
		tune: String,
		/// How long inputs, outputs and receipts are kept, in seconds.
		#[arg(long, default_value_t = 3600)]
		retention_secs: u64,
		/// Largest segment body in bytes, checked on Content-Length before the body is read and
		/// while it streams in (larger: SegmentTooLarge, 413).
		#[arg(long, default_value_t = 16 * 1024 * 1024)]
		max_segment_bytes: usize,
		/// Segments listed in each media playlist.
		#[arg(long, default_value_t = 6)]
		playlist_window: usize,
		/// End a stream's playlists (EXT-X-ENDLIST) after this many seconds without a segment;
		/// 0: never.
		#[arg(long, default_value_t = 30)]
		stream_idle_secs: u64,
		/// Streams served at once (further ones: MaxStreams, 503).
		#[arg(long, default_value_t = 64)]
		max_streams: usize,
		/// Segment uploads in progress at once (further ones: TooManyUploads, 503).
		#[arg(long, default_value_t = 32)]
		max_uploads: usize,
		/// Largest accepted source picture, WIDTHxHEIGHT, either orientation (larger:
		/// ResolutionTooLarge, 422).
		#[arg(long, default_value = "1920x1080")]
		max_resolution: String,
		/// Most video frames in one segment (more: TooManyFrames, 422).
		#[arg(long, default_value_t = 600)]
		max_frames: u64,
		/// Segments a stream may send per segment duration, averaged over 20 s (more:
		/// StreamRateExceeded, 429). A real-time broadcaster sends 1.
		#[arg(long, default_value_t = 2.0)]
		max_stream_rate: f64,
		/// Seconds without a piece of a segment's body before the upload is refused
		/// (UploadTimeout, 408).
		#[arg(long, default_value_t = 10)]
		upload_timeout_secs: u64,
		/// Seconds a whole segment body may take (BodyTimeout, 408).
		#[arg(long, default_value_t = 60)]
		body_timeout_secs: u64,
		/// Seconds a received segment may wait for a free transcode slot (TranscoderBusy, 503).
		#[arg(long, default_value_t = 30)]
		transcode_wait_secs: u64,
		/// Seconds a request's head may take to arrive; then the connection is closed.
		#[arg(long, default_value_t = 10)]
		header_timeout_secs: u64,
		/// Only accept these broadcaster public keys (hex); default: any, bound per stream.
		#[arg(long)]
		broadcaster: Vec<String>,
		/// For the network's defence tests only: misbehave. `wrong-content` serves (and signs
		/// receipts for) renditions of the inverted picture.
		#[arg(long)]
		fault: Option<String>,
		/// Serve the web app (/watch, /studio, /overlay) from this directory (a `web/dist/`)
		/// instead of the copy built into the binary; for work on the pages.
		#[arg(long)]
		web_dir: Option<PathBuf>,
	},
	/// Transcode segments of one stream, in order, into the default ladder with one encoder
	/// session per rendition (as the service does); outputs go to OUT_DIR/{profile}/{index}.ts,
	/// or OUT_DIR/{profile}.ts for a single input.
	Transcode {
		#[arg(long, required = true, num_args = 1..)]
		input: Vec<PathBuf>,
		#[arg(long)]
		out_dir: PathBuf,
		#[arg(long, default_value = "veryfast")]
		preset: String,
	},
	/// Fetch the receipts of segments FROM..=TO of a stream from a transcoder service, verify
	/// them, and print (JSON) the Merkle root to claim the work with on chain
	/// (`jobs.claimWork(jobId, from, to, merkleRoot)`). Fails if a receipt is missing, does not
	/// verify, or belongs to another stream, segment or transcoder.
	Claim {
		/// The transcoder service's base URL, e.g. http://127.0.0.1:8935.
		#[arg(long)]
		service: String,
		/// Stream id (64 hex digits).
		#[arg(long)]
		stream_id: String,
		/// First segment of the claim.
		#[arg(long)]
		from: u64,
		/// Last segment of the claim (inclusive).
		#[arg(long)]
		to: u64,
		/// Expected transcoder public key (hex); default: whoever signed the first receipt.
		#[arg(long)]
		transcoder: Option<String>,
	},
	/// Fetch and verify the receipts of a claimed range FROM..=TO (as `claim` does) and print
	/// (JSON) the proofs of the challenged segments for `verification.submitProofs`: the hex
	/// SCALE encoding of the list of (receipt, Merkle proof) pairs, in the order given.
	Proofs {
		/// The transcoder service's base URL.
		#[arg(long)]
		service: String,
		/// Stream id (64 hex digits).
		#[arg(long)]
		stream_id: String,
		/// First segment of the claim.
		#[arg(long)]
		from: u64,
		/// Last segment of the claim (inclusive).
		#[arg(long)]
		to: u64,
		/// The challenged segments, comma-separated (e.g. 3,17).
		#[arg(long, value_delimiter = ',', required = true)]
		segments: Vec<u64>,
	},
	/// Post a chat message or danmaku to a stream through a node, or print the stream's chat
	/// live (--follow) as JSON lines. The key signs the message: an account with a chat
	/// allowance (`chat.takeAllowance`) or the chat key one authorised (`chat.setChatKey`).
	Chat {
		/// The node's WebSocket RPC, e.g. ws://127.0.0.1:9944.
		#[arg(long)]
		rpc: String,
		/// Stream id (64 hex digits).
		#[arg(long)]
		stream_id: String,
		#[command(flatten)]
		key: KeyArgs,
		/// The text to post (at most 140 bytes of UTF-8).
		#[arg(long, required_unless_present = "follow")]
		message: Option<String>,
		/// The nickname shown (at most 32 bytes of UTF-8).
		#[arg(long, default_value = "")]
		nickname: String,
		/// Post a danmaku flying at this position: scroll, top or bottom.
		#[arg(long)]
		danmaku: Option<String>,
		/// The danmaku's colour, RRGGBB hex.
		#[arg(long, default_value = "ffffff")]
		colour: String,
		/// Post a system notice (only the stream's owner may).
		#[arg(long)]
		system: bool,
		/// The segment sequence number the message refers to.
		#[arg(long, default_value_t = 0)]
		segment_seq: u64,
		/// Lifetime in seconds (at most 300).
		#[arg(long, default_value_t = 120)]
		ttl_secs: u64,
		/// Print the stream's chat (the stored messages first, then live ones) until interrupted
		/// (after posting, if --message is given too).
		#[arg(long)]
		follow: bool,
	},
	/// Decide whether outputs are honest renditions of an input for ladder profiles (repeat
	/// `--profile` and `--output` in pairs to check several renditions of one segment, as a
	/// verifier does). Exit code 0: honest, 1: not honest (reasons printed), 2: could not check.
	Check {
		#[arg(long)]
		input: PathBuf,
		/// Profile name from the default ladder (720p, 480p, 360p, 240p); one per `--output`.
		#[arg(long, required = true)]
		profile: Vec<String>,
		#[arg(long, required = true)]
		output: Vec<PathBuf>,
		/// Compare the picture of this profile only (as a committee member does); default: all.
		#[arg(long)]
		picture: Option<String>,
		/// 64 hex digits choosing the compared frames (a committee's sample seed); default: spread
		/// evenly over the segment.
		#[arg(long)]
		seed: Option<String>,
	},
}

fn main() -> ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
		)
		.with_writer(std::io::stderr)
		.init();
	match run(Cli::parse()) {
		Ok(code) => code,
		Err(error) => {
			eprintln!("error: {error:#}");
			ExitCode::from(2)
		},
	}
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
	match cli.command {
		Command::Broadcast {
			input,
			key,
			stream_id,
			out_dir,
			rpc,
			push,
			loop_input,
			realtime,
			segments,
			segment_seconds,
			bitrate_kbps,
			preset,
		} => {
			let source = Source::parse(&input).map_err(anyhow::Error::msg)?;
			let pair = keys::load(key.key_file.as_deref(), &key.seed)?;
			let stream_id = match stream_id {
				Some(text) => parse_stream_id(&text)?,
				None => default_stream_id(&pair.public()),
			};
			if out_dir.is_none() && push.is_none() && rpc.is_none() {
				bail!("nothing to do: give --rpc or --push, and/or --out-dir");
			}
			if rpc.is_some() && key.key_file.is_none() && key.seed == DEFAULT_SEED {
				eprintln!(
					"warning: signing with the public dev seed {DEFAULT_SEED}; the stream's \
					 segment key (--key-file) is needed outside a dev chain"
				);
			}
			let target = match (rpc, push) {
				(Some(url), _) => Some(PushTarget::Rpc(url)),
				(None, Some(url)) => Some(PushTarget::Fixed(url)),
				(None, None) => None,
			};
			let realtime = realtime
				|| loop_input
				|| (matches!(source, Source::TestPattern { .. }) && segments.is_none());
			broadcast(
				source,
				pair,
				stream_id,
				out_dir,
				target,
				SegmenterConfig {
					segment_seconds,
					video_bitrate_kbps: bitrate_kbps,
					x264_preset: preset,
					max_segments: segments,
					realtime,
					loop_input,
					work_dir: std::env::temp_dir()
						.join(format!("olc-broadcast-{}", std::process::id())),
				},
			)
		},
		Command::Serve {
			listen,
			data_dir,
			key,
			preset,
			tune,
			retention_secs,
			max_segment_bytes,
			playlist_window,
			stream_idle_secs,
			max_streams,
			max_uploads,
			max_resolution,
			max_frames,
			max_stream_rate,
			upload_timeout_secs,
			body_timeout_secs,
			transcode_wait_secs,
			header_timeout_secs,
			broadcaster,
			fault,
			web_dir,
		} => {
			let pair = keys::load(key.key_file.as_deref(), &key.seed)?;
			let mut config = ServerConfig::new(data_dir, pair);
			config.ladder.x264 =
				X264Settings { preset, tune: if tune == "none" { None } else { Some(tune) } };
			config.retention = Duration::from_secs(retention_secs);
			config.max_segment_bytes = max_segment_bytes;
			config.playlist_window = playlist_window;
			config.stream_end_idle =
				(stream_idle_secs > 0).then(|| Duration::from_secs(stream_idle_secs));
			config.max_streams = max_streams;
			config.max_concurrent_uploads = max_uploads;
			config.web_dir = web_dir;
			let (width, height) = server::parse_resolution(&max_resolution)
				.map_err(|e| anyhow::anyhow!("--max-resolution: {e}"))?;
			config.segment_limits.max_width = width;
			config.segment_limits.max_height = height;
			config.segment_limits.max_frames = max_frames;
			anyhow::ensure!(max_stream_rate > 0.0, "--max-stream-rate must be positive");
			config.max_segments_per_duration = max_stream_rate;
			config.upload_read_timeout = Duration::from_secs(upload_timeout_secs.max(1));
			config.body_timeout = Duration::from_secs(body_timeout_secs.max(1));
			config.transcode_wait_timeout = Duration::from_secs(transcode_wait_secs.max(1));
			config.header_read_timeout = Duration::from_secs(header_timeout_secs.max(1));
			if !broadcaster.is_empty() {
				let keys = broadcaster
					.iter()
					.map(|text| parse_public(text))
					.collect::<anyhow::Result<Vec<_>>>()?;
				config.allowed_broadcasters = Some(keys);
			}
			if let Some(fault) = fault {
				let fault: Fault = fault.parse().map_err(anyhow::Error::msg)?;
				eprintln!("warning: fault {fault:?} injected: this service misbehaves on purpose");
				config.fault = Some(fault);
			}
			eprintln!(
				"transcoder key 0x{}; listening on http://{listen}",
				hex::encode(server::transcoder_public(&config).0)
			);
			let runtime = tokio::runtime::Runtime::new()?;
			runtime.block_on(async move {
				let listener = tokio::net::TcpListener::bind(&listen)
					.await
					.with_context(|| format!("cannot listen on {listen}"))?;
				server::serve(listener, config).await?;
				anyhow::Ok(())
			})?;
			Ok(ExitCode::SUCCESS)
		},
		Command::Transcode { input, out_dir, preset } => {
			let mut ladder = LadderConfig::default_ladder();
			ladder.x264.preset = preset;
			let names: Vec<String> = ladder
				.profiles
				.iter()
				.map(|p| p.name_str().unwrap_or("unnamed").to_string())
				.collect();
			std::fs::create_dir_all(&out_dir)?;
			let single = input.len() == 1;
			if !single {
				for name in &names {
					std::fs::create_dir_all(out_dir.join(name))?;
				}
			}
			let mut transcoder = StreamTranscoder::new(ladder)?;
			for (index, segment) in input.iter().enumerate() {
				let paths: Vec<PathBuf> = names
					.iter()
					.map(|name| {
						if single {
							out_dir.join(format!("{name}.ts"))
						} else {
							out_dir.join(name).join(format!("{index}.ts"))
						}
					})
					.collect();
				let result = transcoder
					.transcode_segment(segment, &paths)
					.with_context(|| format!("segment {}", segment.display()))?;
				for output in result.outputs {
					println!(
						"{} {}x{} {} frames -> {}",
						output.profile_name,
						output.width,
						output.height,
						output.frames,
						output.path.display()
					);
				}
			}
			Ok(ExitCode::SUCCESS)
		},
		Command::Chat {
			rpc,
			stream_id,
			key,
			message,
			nickname,
			danmaku,
			colour,
			system,
			segment_seq,
			ttl_secs,
			follow,
		} => {
			let stream = parse_stream_id(&stream_id)?;
			let danmaku = match danmaku.as_deref() {
				None => None,
				Some(position) => {
					let position = match position {
						"scroll" => olc_primitives::chat::DanmakuPosition::Scroll,
						"top" => olc_primitives::chat::DanmakuPosition::Top,
						"bottom" => olc_primitives::chat::DanmakuPosition::Bottom,
						other => bail!("--danmaku must be scroll, top or bottom, not {other}"),
					};
					let colour = u32::from_str_radix(colour.trim_start_matches('#'), 16)
						.context("--colour must be RRGGBB hex")?;
					Some((position, colour))
				},
			};
			let runtime = tokio::runtime::Runtime::new()?;
			runtime.block_on(async move {
				if let Some(text) = message {
					let pair = keys::load(key.key_file.as_deref(), &key.seed)?;
					let post =
						chat_cmd::Post { nickname, text, danmaku, system, segment_seq, ttl_secs };
					let answer = chat_cmd::post(&rpc, &pair, stream, &post).await?;
					println!("{answer}");
				}
				if follow {
					chat_cmd::follow(&rpc, stream).await?;
				}
				anyhow::Ok(())
			})?;
			Ok(ExitCode::SUCCESS)
		},
		Command::Claim { service, stream_id, from, to, transcoder } => {
			let stream_id = parse_stream_id(&stream_id)?;
			let expected = transcoder.as_deref().map(parse_public).transpose()?;
			let receipts = fetch_receipts(&service, stream_id, from, to, expected)?;
			let root = olc_primitives::merkle::root(&receipts)
				.map_err(|error| anyhow::anyhow!("cannot build the Merkle tree: {error:?}"))?;
			let first = receipts.first().context("no receipts")?;
			println!(
				"{{\"streamId\":\"0x{}\",\"startSeq\":{from},\"endSeq\":{to},\"segments\":{},\"profiles\":{},\"transcoder\":\"0x{}\",\"merkleRoot\":\"0x{}\"}}",
				hex::encode(stream_id.0),
				receipts.len(),
				first.body.output_hashes.len(),
				hex::encode(first.body.transcoder.0),
				hex::encode(root),
			);
			Ok(ExitCode::SUCCESS)
		},
		Command::Proofs { service, stream_id, from, to, segments } => {
			let stream_id = parse_stream_id(&stream_id)?;
			let receipts = fetch_receipts(&service, stream_id, from, to, None)?;
			let mut proofs = Vec::with_capacity(segments.len());
			for seq in segments {
				if seq < from || seq > to {
					bail!("segment {seq} is outside the claim {from}..={to}");
				}
				let index = u32::try_from(seq - from).context("claim too long")?;
				let proof = olc_primitives::merkle::proof(&receipts, index)
					.map_err(|error| anyhow::anyhow!("segment {seq}: no proof: {error:?}"))?;
				let receipt = receipts.get(index as usize).context("receipt missing")?.clone();
				proofs.push((receipt, proof));
			}
			println!(
				"{{\"streamId\":\"0x{}\",\"proofs\":{},\"encoded\":\"0x{}\"}}",
				hex::encode(stream_id.0),
				proofs.len(),
				hex::encode(proofs.encode()),
			);
			Ok(ExitCode::SUCCESS)
		},
		Command::Check { input, profile, output, picture, seed } => {
			if profile.len() != output.len() {
				bail!(
					"{} --profile for {} --output: give them in pairs",
					profile.len(),
					output.len()
				);
			}
			let profiles = profile
				.iter()
				.map(|name| find_profile(name))
				.collect::<anyhow::Result<Vec<_>>>()?;
			if let Some(name) = &picture {
				if !profile.contains(name) {
					bail!("--picture {name} is not one of the checked profiles");
				}
			}
			let sampling = match seed {
				Some(hex_seed) => {
					let bytes = hex::decode(hex_seed.trim_start_matches("0x"))
						.context("--seed is not hex")?;
					check::Sampling::Seeded(
						bytes.try_into().map_err(|_| anyhow::anyhow!("--seed must be 32 bytes"))?,
					)
				},
				None => check::Sampling::Spread,
			};
			let renditions: Vec<check::RenditionToCheck> = profiles
				.iter()
				.zip(&output)
				.zip(&profile)
				.map(|((profile, output), name)| check::RenditionToCheck {
					output,
					profile,
					picture: picture.as_ref().is_none_or(|p| p == name),
				})
				.collect();
			let reports = check::check_segment(&input, &renditions, sampling)?;
			let mut honest = true;
			for (name, report) in profile.iter().zip(&reports) {
				let picture = if report.picture_checked {
					format!(
						"SSIM mean {:.4} worst {:.4} over {} frames, chroma error {:.2} worst {:.2}, {} of {} moving frames repeated, picture {:.0} kbps",
						report.mean_ssim,
						report.worst_ssim,
						report.frames_compared,
						report.chroma_error,
						report.worst_chroma_error,
						report.repeated_frames,
						report.moving_frames,
						report.picture_kbps,
					)
				} else {
					"picture not compared".to_string()
				};
				println!(
					"{name}: expected {}x{}, output {}x{} {:.3} fps {:.3} s (input {:.3} s) {:.0} kbps, {picture}",
					report.expected_width,
					report.expected_height,
					report.output_width,
					report.output_height,
					report.output_fps,
					report.output_duration,
					report.input_duration,
					report.output_kbps,
				);
				for failure in &report.failures {
					println!("FAIL: {name}: {failure}");
				}
				honest &= report.passed();
			}
			if honest {
				println!("PASS: honest rendition{}", if reports.len() > 1 { "s" } else { "" });
				Ok(ExitCode::SUCCESS)
			} else {
				Ok(ExitCode::from(1))
			}
		},
	}
}

/// The verified receipts of segments `from..=to` of `stream_id`, in order.
fn fetch_receipts(
	service: &str,
	stream_id: StreamId,
	from: u64,
	to: u64,
	expected_transcoder: Option<sp_core::sr25519::Public>,
) -> anyhow::Result<Vec<olc_primitives::TranscodeReceipt>> {
	use codec::Decode;
	if to < from {
		bail!("empty range: --to {to} is below --from {from}");
	}
	let client = reqwest::blocking::Client::new();
	let base = format!("{}/receipts/0x{}", service.trim_end_matches('/'), hex::encode(stream_id.0));
	let mut transcoder = expected_transcoder;
	let mut receipts = Vec::new();
	for seq in from..=to {
		let response = client
			.get(format!("{base}/{seq}"))
			.send()
			.with_context(|| format!("cannot reach {service}"))?;
		let status = response.status();
		let body = response
			.text()
			.with_context(|| format!("receipt {seq}: cannot read the body"))?;
		if !status.is_success() {
			bail!("receipt {seq}: {status}: {body}");
		}
		let bytes = hex::decode(body.trim()).with_context(|| format!("receipt {seq}: not hex"))?;
		let receipt = olc_primitives::TranscodeReceipt::decode(&mut bytes.as_slice())
			.with_context(|| format!("receipt {seq}: not a SCALE receipt"))?;
		receipt.verify().map_err(|error| anyhow::anyhow!("receipt {seq}: {error:?}"))?;
		if receipt.stream_id() != stream_id || receipt.seq() != seq {
			bail!(
				"receipt {seq}: it is for stream {:?} segment {}",
				receipt.stream_id(),
				receipt.seq()
			);
		}
		let signer = *transcoder.get_or_insert(receipt.body.transcoder);
		if receipt.body.transcoder != signer {
			bail!(
				"receipt {seq}: signed by 0x{}, not 0x{}",
				hex::encode(receipt.body.transcoder.0),
				hex::encode(signer.0)
			);
		}
		receipts.push(receipt);
	}
	Ok(receipts)
}

fn find_profile(name: &str) -> anyhow::Result<Profile> {
	olc_primitives::default_ladder()
		.into_iter()
		.find(|p| p.name_str() == Some(name))
		.with_context(|| format!("unknown profile {name:?}; known: 720p, 480p, 360p, 240p"))
}

fn parse_stream_id(text: &str) -> anyhow::Result<StreamId> {
	let bytes =
		hex::decode(text.strip_prefix("0x").unwrap_or(text)).context("stream id is not hex")?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| anyhow::anyhow!("stream id must be 32 bytes"))?;
	Ok(StreamId(bytes))
}

fn parse_public(text: &str) -> anyhow::Result<sp_core::sr25519::Public> {
	let bytes =
		hex::decode(text.strip_prefix("0x").unwrap_or(text)).context("public key is not hex")?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| anyhow::anyhow!("public key must be 32 bytes"))?;
	Ok(sp_core::sr25519::Public::from_raw(bytes))
}

/// A stable default stream id for a broadcaster key.
fn default_stream_id(public: &sp_core::sr25519::Public) -> StreamId {
	let mut preimage = b"OLC default stream".to_vec();
	preimage.extend_from_slice(&public.0);
	StreamId(blake2_256(&preimage))
}

/// Where `broadcast` pushes segments.
enum PushTarget {
	/// The transcoders of the stream's open jobs, from a node's RPC.
	Rpc(String),
	/// One fixed transcoder service.
	Fixed(String),
}

fn broadcast(
	source: Source,
	pair: sp_core::sr25519::Pair,
	stream_id: StreamId,
	out_dir: Option<PathBuf>,
	target: Option<PushTarget>,
	config: SegmenterConfig,
) -> anyhow::Result<ExitCode> {
	if let Some(dir) = &out_dir {
		std::fs::create_dir_all(dir)?;
	}
	eprintln!("stream id 0x{}", hex::encode(stream_id.0));
	// Pushing runs on its own runtime so a slow or restarting transcoder does not stall
	// encoding; the queue drops nothing and applies back-pressure only when it is full.
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.worker_threads(2)
		.enable_all()
		.build()?;
	let (sender, receiver) = tokio::sync::mpsc::channel::<QueuedSegment>(push::QUEUE_SEGMENTS);
	let pusher = match target {
		Some(PushTarget::Rpc(url)) => {
			eprintln!("following the stream's jobs through {url}");
			let pusher =
				Pusher::new(RpcLookup::new(url, stream_id), stream_id, PushConfig::default())?;
			Some(runtime.spawn(pusher.run(receiver, |event| print_push_event(event, true))))
		},
		Some(PushTarget::Fixed(url)) => {
			let pusher = Pusher::new(FixedTarget(url), stream_id, PushConfig::default())?;
			Some(runtime.spawn(pusher.run(receiver, |event| print_push_event(event, false))))
		},
		None => None,
	};
	let pushing = pusher.is_some();
	let mut sink = |segment: segmenter::CutSegment| -> Result<(), String> {
		let signed = SignedSegmentHeader::sign(
			&pair,
			stream_id,
			segment.seq,
			segment.duration_ms,
			&segment.bytes,
		);
		let header_hex = hex::encode(signed.encode());
		if let Some(dir) = &out_dir {
			std::fs::write(dir.join(format!("{}.ts", segment.seq)), &segment.bytes)
				.map_err(|e| e.to_string())?;
			std::fs::write(dir.join(format!("{}.header", segment.seq)), &header_hex)
				.map_err(|e| e.to_string())?;
		}
		eprintln!(
			"segment {}: {} bytes, {} ms",
			segment.seq,
			segment.bytes.len(),
			segment.duration_ms
		);
		if pushing {
			let queued = QueuedSegment {
				seq: segment.seq,
				bytes: segment.bytes,
				header_hex,
				produced: std::time::Instant::now(),
			};
			sender.blocking_send(queued).map_err(|_| "the pusher stopped".to_string())?;
		}
		Ok(())
	};
	let result = segmenter::run(&source, &config, &mut sink);
	// Closing the queue ends the pusher once it has delivered (or given up) everything.
	drop(sender);
	let summary = pusher.map(|pusher| runtime.block_on(pusher)).transpose();
	let _ = std::fs::remove_dir_all(&config.work_dir);
	let summary = summary.context("the pusher failed")?;
	let cut = result?;
	let mode = match cut.mode {
		segmenter::CutMode::Copy => "copied at the source's keyframes",
		segmenter::CutMode::Reencode => "re-encoded",
	};
	eprintln!("{} segments, {mode}", cut.segments);
	if let Some(summary) = summary {
		print_push_summary(&summary);
	}
	Ok(ExitCode::SUCCESS)
}

/// One progress line per pusher event, on stderr.
fn print_push_event(event: PushEvent, chain: bool) {
	match event {
		PushEvent::Assignments { jobs } if chain => {
			if jobs.is_empty() {
				eprintln!("the stream has no open job; waiting for one");
			}
			for job in jobs {
				match job.service_uri {
					Some(uri) => eprintln!("job {}: transcoder at {uri}", job.job_id),
					None => eprintln!("job {}: awaiting a transcoder", job.job_id),
				}
			}
		},
		PushEvent::Assignments { .. } => {},
		PushEvent::LookupFailed { error } => eprintln!("cannot read the stream's jobs: {error}"),
		PushEvent::Accepted { seq, uri, latency } => {
			eprintln!("segment {seq}: accepted by {uri} in {} ms", latency.as_millis());
		},
		PushEvent::Refused { seq, uri, status, reason } => {
			eprintln!("segment {seq}: refused by {uri} ({status}): {reason}; skipped there");
		},
		PushEvent::Retrying { seq, reasons, wait } => {
			eprintln!("segment {seq}: {}; retrying in {} ms", reasons.join("; "), wait.as_millis());
		},
		PushEvent::GaveUp { seq, missing } => {
			eprintln!("segment {seq}: given up, not delivered to {}", missing.join(", "));
		},
	}
}

fn print_push_summary(summary: &PushSummary) {
	let millis = |p: f64| {
		summary
			.latency_percentile(p)
			.map_or_else(|| "-".to_string(), |d| format!("{} ms", d.as_millis()))
	};
	eprintln!(
		"pushed: {} segments sent, {} accepted, {} refused, {} given up; push latency p50 {}, p95 {}",
		summary.sent,
		summary.accepted,
		summary.refused,
		summary.given_up,
		millis(50.0),
		millis(95.0)
	);
}
