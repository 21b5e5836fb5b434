// The player: hls.js (light build: no subtitles, alternate audio or DRM) tuned for OLC's 2 s
// segments, with a quality menu (Auto + the job's renditions), jump-to-live, a latency readout
// and the states connecting → live → offline (retrying) → ended.
//
// Latency is glass-to-glass as far as the page can know it: now minus the
// EXT-X-PROGRAM-DATE-TIME of the frame on screen (the time the transcoder published the
// segment). It excludes the broadcaster's capture and push, which the transcoder's timestamps
// cannot see.
import Hls from 'hls.js/light';
import { t } from './i18n.js';

/** Tuned for 2 s segments and a 6-segment playlist window. */
export const HLS_CONFIG = {
  lowLatencyMode: false,
  liveSyncDurationCount: 2, // start ~4 s behind the live edge
  liveMaxLatencyDurationCount: 5, // past ~10 s behind, jump forward
  maxLiveSyncPlaybackRate: 1.2, // catch up gently rather than jump
  maxBufferLength: 8,
  backBufferLength: 10,
  manifestLoadingMaxRetry: 2,
  levelLoadingMaxRetry: 2,
  fragLoadingMaxRetry: 3,
  manifestLoadingRetryDelay: 500,
  levelLoadingRetryDelay: 500,
  fragLoadingRetryDelay: 500,
  startFragPrefetch: true,
};

const RETRY_MS = 2000;

/**
 * Mounts a player for `src` (a master playlist URL) in `root`, with renditions named as the
 * job's `profiles`. Returns { video, hls(), state, currentSegment(), destroy() }.
 * `onState(state)` is called with 'connecting' | 'live' | 'offline' | 'ended'; `onRetry()` each
 * time the player gives up on the transcoder and will retry.
 */
export function createPlayer(root, { src, profiles = [], onState = () => {}, onRetry = () => {} }) {
  root.innerHTML = `
    <div class="video-box">
      <video data-testid="player" muted autoplay playsinline></video>
      <div class="player-state"></div>
    </div>
    <div class="player-bar">
      <button class="live-button" data-testid="jump-live"></button>
      <span class="latency" data-testid="latency">–</span>
      <label class="quality-label"><select data-testid="quality"></select></label>
      <button class="unmute">🔈</button>
    </div>`;
  const video = root.querySelector('video');
  const stateEl = root.querySelector('.player-state');
  const latencyEl = root.querySelector('.latency');
  const quality = root.querySelector('select');
  const liveButton = root.querySelector('.live-button');
  liveButton.textContent = t('player.jumpLive');
  root.querySelector('.unmute').onclick = (event) => {
    video.muted = !video.muted;
    event.target.textContent = video.muted ? '🔈' : '🔊';
  };

  let hls = null;
  let state = '';
  let retryTimer = null;
  let currentFrag = null;
  let destroyed = false;

  function setState(next) {
    if (state === next) return;
    state = next;
    root.dataset.state = next;
    stateEl.textContent =
      {
        connecting: t('player.connecting'),
        offline: t('player.offline'),
        ended: t('player.ended'),
        live: '',
      }[next] ?? '';
    stateEl.hidden = next === 'live';
    onState(next);
  }

  function fillQualityMenu() {
    quality.innerHTML = '';
    const auto = new Option(t('player.auto'), '-1');
    quality.append(auto);
    hls.levels.forEach((level, index) => {
      const name = renditionName(level) ?? `${level.height}p`;
      quality.append(new Option(name, String(index)));
    });
    quality.value = String(hls.manualLevel ?? -1);
  }

  function start() {
    if (destroyed) return;
    clearTimeout(retryTimer);
    hls?.destroy();
    hls = new Hls(HLS_CONFIG);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      // Only the job's renditions (the transcoder also serves the broadcaster's `source`).
      if (profiles.length) {
        for (let i = hls.levels.length - 1; i >= 0; i--) {
          const name = renditionName(hls.levels[i]);
          if (hls.levels.length > 1 && !profiles.some((p) => p.name === name)) hls.removeLevel(i);
        }
      }
      fillQualityMenu();
      video.play().catch(() => {});
    });
    hls.on(Hls.Events.LEVEL_UPDATED, (_, { details }) => {
      if (!details.live && details.endList) setState('ended');
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_, { level }) => {
      root.dataset.level = String(level);
      const name = renditionName(hls.levels[level]);
      root.dataset.rendition = name ?? '';
    });
    hls.on(Hls.Events.FRAG_CHANGED, (_, { frag }) => {
      currentFrag = frag;
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (!data.fatal) return;
      if (state === 'ended') return;
      setState('offline');
      onRetry();
      retryTimer = setTimeout(start, RETRY_MS);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  }

  quality.onchange = () => {
    const level = Number(quality.value);
    // -1: automatic; otherwise switch now (flushes the buffer ahead).
    hls.currentLevel = level;
    if (level === -1) hls.loadLevel = -1;
  };
  liveButton.onclick = () => {
    if (hls?.liveSyncPosition != null) video.currentTime = hls.liveSyncPosition;
    video.play().catch(() => {});
  };
  video.addEventListener('playing', () => {
    if (state !== 'ended') setState('live');
  });
  video.addEventListener('ended', () => setState('ended'));

  const ticker = setInterval(() => {
    const date = hls?.playingDate;
    if (state === 'live' && date && !video.paused) {
      const seconds = Math.max(0, (Date.now() - date.getTime()) / 1000);
      latencyEl.textContent = t('player.latency', { s: seconds.toFixed(1) });
      latencyEl.dataset.seconds = seconds.toFixed(2);
    } else if (state !== 'live') {
      latencyEl.textContent = '–';
      delete latencyEl.dataset.seconds;
    }
  }, 500);

  setState('connecting');
  start();

  return {
    video,
    hls: () => hls,
    get state() {
      return state;
    },
    /** The sequence number of the segment on screen (its file name), or null. */
    currentSegment() {
      const match = /(\d+)\.ts(?:\?|$)/.exec(currentFrag?.relurl ?? currentFrag?.url ?? '');
      return match ? Number(match[1]) : null;
    },
    destroy() {
      destroyed = true;
      clearInterval(ticker);
      clearTimeout(retryTimer);
      hls?.destroy();
    },
  };
}

/** The profile name of a level: its URL is `…/{name}/index.m3u8`. */
function renditionName(level) {
  const url = level?.url?.[0] ?? level?.uri ?? '';
  const match = /\/([^/]+)\/index\.m3u8/.exec(url);
  return match ? decodeURIComponent(match[1]) : null;
}
