#!/usr/bin/env bash
# Benchmark: our ladder (olc-transcoder, one encoder session per rendition across 2 s segments)
# against the ffmpeg CLI producing the same four renditions with the same x264 settings in one
# process (split + scale filters), on a 20 s 1080p30 clip. Prints both wall times, the ratio
# (ours / ffmpeg; target <= 1.1), the real-time ratio (transcode time / media duration) and
# peak memory. Not a test: the figures depend on the machine.
#
#   scripts/transcoder-bench.sh            # builds the release binary first
#   OLC_BENCH_SECONDS=10 scripts/transcoder-bench.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"

seconds="${OLC_BENCH_SECONDS:-20}"
preset="${OLC_BENCH_PRESET:-veryfast}"
work="$(mktemp -d /tmp/olc-transcoder-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

olc_log "Building olc-transcoder (release)"
nice -n 19 "$OLC_SOURCE_ROOT/scripts/cargo.sh" build --release -p olc-transcoder
bin="$CARGO_TARGET_DIR/release/olc-transcoder"

olc_log "Generating a ${seconds} s 1080p30 clip (testsrc2 + sine) and 2 s segments"
ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
	-t "$seconds" -c:v libx264 -preset ultrafast -crf 18 -g 60 -keyint_min 60 -sc_threshold 0 \
	-pix_fmt yuv420p -c:a aac -b:a 128k -f mpegts "$work/clip.ts"
mkdir -p "$work/segments"
ffmpeg -v error -y -i "$work/clip.ts" -c copy -f segment -segment_time 2 -segment_format mpegts \
	"$work/segments/%03d.ts"

# The ladder's x264 settings (see transcoder/src/media.rs): preset, tune zerolatency, fixed
# 2 s GOP without scene cuts, closed GOP, forced IDR, ABR with maxrate = bitrate and
# bufsize = 2 x bitrate, bicubic scaling, audio copied.
x264_params="keyint=60:min-keyint=60:scenecut=0:open-gop=0"
rendition() { # name width height kbps
	echo "-map [v$1] -map 0:a -c:a copy -c:v libx264 -preset $preset -tune zerolatency \
		-b:v ${4}k -maxrate ${4}k -bufsize $((2 * $4))k -x264-params $x264_params -forced-idr 1 \
		-force_key_frames expr:gte(t,n_forced*2) -pix_fmt yuv420p -f mpegts $work/ffmpeg-$1.ts"
}
filter="[0:v]split=4[s1][s2][s3][s4];[s1]scale=1280:720:flags=bicubic[v720p];\
[s2]scale=854:480:flags=bicubic[v480p];[s3]scale=640:360:flags=bicubic[v360p];\
[s4]scale=426:240:flags=bicubic[v240p]"

measure() { # label command...
	local label="$1"
	shift
	/usr/bin/time -v -o "$work/$label.time" "$@" >"$work/$label.log" 2>&1
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time" |
		awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
	echo "$wall $rss"
}

olc_log "Running the ffmpeg CLI ladder"
# shellcheck disable=SC2046
read -r ffmpeg_wall ffmpeg_rss < <(measure ffmpeg ffmpeg -v error -y -i "$work/clip.ts" \
	-filter_complex "$filter" $(rendition 720p 1280 720 3000) $(rendition 480p 854 480 1600) \
	$(rendition 360p 640 360 800) $(rendition 240p 426 240 250))

olc_log "Running the olc-transcoder ladder"
read -r ours_wall ours_rss < <(measure ours "$bin" transcode --preset "$preset" \
	--out-dir "$work/ours" --input "$work"/segments/*.ts)

olc_log "Results (${seconds} s of 1080p30, preset $preset, $(nproc) cores)"
awk -v s="$seconds" -v fw="$ffmpeg_wall" -v fr="$ffmpeg_rss" -v ow="$ours_wall" -v or="$ours_rss" 'BEGIN {
	printf "ffmpeg CLI      : %7.2f s wall, real-time ratio %.3f, peak RSS %d MiB\n", fw, fw / s, fr / 1024
	printf "olc-transcoder  : %7.2f s wall, real-time ratio %.3f, peak RSS %d MiB\n", ow, ow / s, or / 1024
	printf "ratio (ours / ffmpeg): %.3f (target <= 1.1)\n", ow / fw
}'
