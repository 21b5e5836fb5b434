// The viewer page: /watch?stream=0x… — everything about the stream comes from the chain (no
// directory): title and owner (jobs_stream), the assigned transcoder and renditions
// (jobs_openJobsOfStream). Watching needs no wallet. Gift effects come only from finalized
// blocks, for everyone (the tipper's own form shows "pending" before that).
import { streamParam } from './config.js';
import { connectChain, setupHeader } from './page.js';
import { lookupStream, watchFinalizedTips, verifyTip, shortAddress } from './chain.js';
import { createPlayer } from './player.js';
import { createEffects } from './effects.js';
import { createTipForm } from './tips.js';
import { createReport, segmentEvidence } from './report.js';
import { createChat } from './danmaku.js';
import { chatTransport } from './chat-slot.js';
import { t } from './i18n.js';

const $ = (selector) => document.querySelector(selector);

async function main() {
  const streamId = streamParam();
  const chain = connectChain();
  let report = null;
  let tipForm = null;
  let chat = null;
  const wallet = setupHeader(chain, () => {
    report?.refresh();
    tipForm?.updateFee();
    chat?.refresh();
  });
  const info = $('#stream-info');
  if (!streamId) {
    info.textContent = t('watch.noStream');
    return;
  }
  info.textContent = t('watch.loading');

  let found = await lookupStream(chain.rpc, streamId);
  if (!found.stream) {
    info.textContent = t('watch.unknown');
    return;
  }
  const { stream } = found;
  document.title = `${stream.title} · OpenLive`;
  $('#stream-title').textContent = stream.title;
  info.textContent = t('watch.by', { owner: shortAddress(stream.owner) });
  info.title = stream.owner;

  // Until a transcoder is assigned, look again each block.
  while (!found.job) {
    $('#job-info').textContent = t('watch.noJob');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    found = await lookupStream(chain.rpc, streamId);
  }
  let job = found.job;
  let serviceUri = job.assignment.serviceUri.replace(/\/$/, '');
  let player = null;
  const showJob = () => {
    $('#job-info').textContent = t('watch.job', {
      job: job.id,
      transcoder: shortAddress(job.assignment.transcoder),
    });
    $('#job-info').title = `${job.assignment.transcoder} ${serviceUri}`;
  };
  // While offline, and when the playlist ends, look the assignment up again: a transcoder that
  // left is replaced on chain (its playlists end), and the page follows the stream there.
  const onRetry = async () => {
    const again = await lookupStream(chain.rpc, streamId).catch(() => null);
    const next = again?.job;
    if (next && next.assignment.serviceUri.replace(/\/$/, '') !== serviceUri) {
      job = next;
      serviceUri = next.assignment.serviceUri.replace(/\/$/, '');
      startPlayer();
    }
  };
  function startPlayer() {
    player?.destroy();
    showJob();
    player = createPlayer($('#player'), {
      src: `${serviceUri}/hls/${streamId}/master.m3u8`,
      profiles: job.profiles,
      onRetry,
      onState: (state) => {
        if (state === 'ended') onRetry();
      },
    });
  }
  startPlayer();

  const effects = createEffects($('#effects'), (tip, block) =>
    verifyTip(chain.client, chain.api, block.hash, tip),
  );
  watchFinalizedTips(chain.client, chain.api, stream.owner, (tip, block) =>
    effects.show(tip, block),
  );

  tipForm = createTipForm($('#tip'), { chain, recipient: stream.owner, account: wallet.account });
  report = createReport($('#report'), {
    chain,
    streamId,
    owner: stream.owner,
    account: wallet.account,
    evidence: () => segmentEvidence(serviceUri, streamId, player?.currentSegment()),
  });

  chat = createChat({ layer: $('#danmaku'), panel: $('#chat') });
  const transport = await chatTransport({ streamId, chain, account: wallet.account });
  if (transport) chat.connect(transport);
}

main().catch((error) => {
  console.error(error);
  document.querySelector('#stream-info').textContent = t('common.error', { error: error.message });
});
