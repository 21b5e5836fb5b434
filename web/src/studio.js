// The broadcaster's studio: /studio. With a wallet account: its streams, a new stream and job
// (renditions, price, deposit), the ingest command, the job's health (last segment age,
// renditions, deposit left, top up, end job), and the tips feed: each tip appears when included
// and turns final when its block is finalized, with final totals, a supporters leaderboard and a
// CSV export whose block hashes and event indices let anyone re-read every row from the chain.
// Moderation: the selected stream's live chat (read from the node's statement store, no wallet
// needed), a "mute" button per sender (`Chat.mute(stream, who)` through the wallet) and the
// accounts muted on the stream, read from chain storage (`Chat.Muted`), each with "unmute".
import { connectChain, setupHeader } from './page.js';
import { rpcUrl, pageUrl } from './config.js';
import {
  formatOlc,
  parseOlc,
  fromText,
  publicKeyOf,
  submit,
  watchBestTips,
  watchFinalizedTips,
  loadRecentTips,
  shortAddress,
  sameAccount,
} from './chain.js';
import { giftById, giftName } from './gifts.js';
import { wsRpc, subscribeChat, fromHex } from './chat.js';
import { AccountId } from '@polkadot-api/substrate-bindings';
import { t, lang } from './i18n.js';

/** Renditions a job may ask for (the default ladder and two small ones). */
export const LADDER = [
  { name: '720p', width: 1280, height: 720, bitrate_kbps: 3000, fps: 30 },
  { name: '480p', width: 854, height: 480, bitrate_kbps: 1600, fps: 30 },
  { name: '360p', width: 640, height: 360, bitrate_kbps: 800, fps: 30 },
  { name: '288p', width: 512, height: 288, bitrate_kbps: 600, fps: 30 },
  { name: '240p', width: 426, height: 240, bitrate_kbps: 250, fps: 30 },
  { name: '144p', width: 256, height: 144, bitrate_kbps: 150, fps: 15 },
];

const $ = (selector) => document.querySelector(selector);
let chain;
let wallet;
let selected = null; // stream id
let stopTips = [];

function status(el, progress) {
  el.dataset.kind = progress.kind;
  el.textContent = {
    signing: () => t('tip.signing'),
    submitted: () => t('tip.submitted'),
    pending: () => t('tip.pending', { block: progress.block.number }),
    final: () => t('common.done', { block: progress.block.number }),
    cancelled: () => t('tip.cancelled'),
    failed: () => t('common.error', { error: progress.error }),
  }[progress.kind]();
}

const eventOf = (result, pallet, name) =>
  result.events.find((e) => e.type === pallet && e.value.type === name)?.value.value;

async function myStreams(owner) {
  const mine = [];
  let after = null;
  for (;;) {
    const page = await chain.rpc('jobs_streams', after, 100);
    mine.push(...page.filter((s) => sameAccount(s.owner, owner)));
    if (page.length < 100) return mine;
    after = page[page.length - 1].id;
  }
}

/** Every job of a stream, by id (`jobs_jobsOfStream` answers pages of up to 100 in storage order). */
async function jobsOfStream(streamId) {
  const jobs = [];
  let after = null;
  for (;;) {
    const page = await chain.rpc('jobs_jobsOfStream', streamId, after, 100);
    jobs.push(...page);
    if (page.length < 100) return jobs.sort((a, b) => a.id - b.id);
    after = page[page.length - 1].id;
  }
}

async function refreshStreams() {
  const account = wallet.account();
  const list = $('#streams');
  list.innerHTML = '';
  if (!account) return;
  const streams = await myStreams(account.address);
  if (!streams.length) list.textContent = t('studio.none');
  for (const stream of streams) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.textContent = `${stream.title} · ${stream.status}`;
    button.dataset.streamId = stream.id;
    button.onclick = () => select(stream.id);
    item.append(button);
    list.append(item);
  }
}

async function select(streamId) {
  selected = streamId;
  $('#stream-panel').hidden = false;
  $('#selected-id').textContent = streamId;
  $('#selected-id').dataset.testid = 'stream-id';
  $('#watch-link').href = pageUrl('watch', { stream: streamId });
  $('#overlay-link').href = pageUrl('overlay', { stream: streamId });
  $('#ingest').textContent = [
    '# OBS: Settings → Stream → Service "Custom", Server rtmp://127.0.0.1:1935/live, key "obs".',
    "# my-key.txt holds this account's secret (or use --input testsrc for a test pattern).",
    'olc-transcoder broadcast --input rtmp://127.0.0.1:1935/live/obs --key-file my-key.txt \\',
    `  --stream-id ${streamId} \\`,
    `  --rpc ${rpcUrl} --realtime`,
  ].join('\n');
  startModeration(streamId);
  await refreshHealth();
}

let chatRpc = null;
let stopChat = null;
const ss58 = AccountId();

/** The account a chat statement's signer speaks for: its chat key's owner, else the signer itself. */
const senders = new Map(); // signer hex → Promise<account address>
function accountOfSigner(signer) {
  if (!senders.has(signer)) {
    senders.set(
      signer,
      chain.api.query.Chat.ChatKeys.getValue(signer)
        .then((owner) => owner ?? ss58.dec(fromHex(signer)))
        .catch(() => ss58.dec(fromHex(signer))),
    );
  }
  return senders.get(signer);
}

/** The selected stream's live chat, each message with a mute button for its sender. */
function startModeration(streamId) {
  stopChat?.();
  stopChat = null;
  const list = $('[data-testid="studio-chat"]');
  list.innerHTML = '';
  $('[data-testid="muted-list"]').innerHTML = '';
  $('[data-testid="mute-status"]').textContent = '';
  chatRpc ??= wsRpc(rpcUrl);
  const seen = new Set();
  let stopped = false;
  let end = null;
  const onEntry = async (entry) => {
    if (!entry.message || !entry.signer || seen.has(entry.signature)) return;
    seen.add(entry.signature);
    const item = document.createElement('li');
    item.dataset.testid = 'studio-chat-message';
    item.append(`${entry.message.nickname || shortAddress(entry.signer)}: ${entry.message.text} `);
    list.append(item);
    while (list.children.length > 200) list.firstElementChild.remove();
    const account = await accountOfSigner(entry.signer);
    if (stopped) return;
    item.dataset.account = account;
    if (wallet.account() && sameAccount(account, wallet.account().address)) return; // the owner cannot mute itself
    const mute = document.createElement('button');
    mute.textContent = t('studio.mute');
    mute.dataset.testid = 'chat-mute';
    mute.dataset.account = account;
    mute.onclick = () => moderate(chain.api.tx.Chat.mute({ stream: streamId, who: account }));
    item.append(mute);
  };
  const start = () => {
    if (stopped) return;
    end = subscribeChat(chatRpc, streamId, onEntry, () => setTimeout(start, 2000));
    end.catch(() => setTimeout(start, 2000));
  };
  start();
  stopChat = () => {
    stopped = true;
    end?.then((stop) => stop()).catch(() => {});
  };
}

async function moderate(tx) {
  await send(tx, $('[data-testid="mute-status"]'));
  await drawMuted();
}

/** The accounts muted on the selected stream, from chain storage, each with an unmute button. */
async function drawMuted() {
  if (!selected) return;
  const streamId = selected;
  const entries = await chain.api.query.Chat.Muted.getEntries(streamId);
  if (streamId !== selected) return;
  const list = $('[data-testid="muted-list"]');
  const accounts = entries.map((entry) => entry.keyArgs[1]);
  const key = accounts.join(',');
  if (list.dataset.key === key && list.dataset.streamId === streamId) return;
  list.dataset.key = key;
  list.dataset.streamId = streamId;
  list.innerHTML = '';
  if (!accounts.length) list.textContent = t('studio.noMuted');
  for (const account of accounts) {
    const item = document.createElement('li');
    item.dataset.testid = 'muted-account';
    item.dataset.account = account;
    item.append(`${account} `);
    const unmute = document.createElement('button');
    unmute.textContent = t('studio.unmute');
    unmute.dataset.testid = 'chat-unmute';
    unmute.onclick = () => moderate(chain.api.tx.Chat.unmute({ stream: streamId, who: account }));
    item.append(unmute);
    list.append(item);
  }
}

let healthQueue = Promise.resolve();
/** Refreshes the health panel (serialized: the timer and actions may ask at once). */
function refreshHealth() {
  healthQueue = healthQueue.then(drawHealth).catch((error) => console.warn('health', error));
  return healthQueue;
}

/** Rows stay in place between refreshes (their inputs and status lines survive); only text changes. */
async function drawHealth() {
  if (!selected) return;
  const streamId = selected;
  await drawMuted().catch((error) => console.warn('muted', error));
  const jobs = await jobsOfStream(streamId);
  const health = $('#health');
  if (health.dataset.streamId !== streamId) {
    health.innerHTML = '<p class="report-line" data-testid="stream-report"></p>';
    health.dataset.streamId = streamId;
  }
  // A report against the stream under review, with the evidence its reporter gave.
  const reportLine = health.querySelector('.report-line');
  const reportId = await chain.rpc('reporting_streamReview', streamId).catch(() => null);
  if (reportId != null) {
    const report = await chain.rpc('reporting_report', reportId);
    const evidence =
      report.evidence
        .replace(/^0x/, '')
        .match(/../g)
        ?.map((b) => String.fromCharCode(parseInt(b, 16)))
        .join('') ?? '';
    const votes = report.group.filter((m) => m.vote != null).length;
    reportLine.textContent = t('studio.report', {
      id: report.id,
      reason: t(`report.reasons.${report.reason}`),
      status: report.status,
      evidence,
      votes,
      group: report.group.length,
    });
  } else {
    reportLine.textContent = '';
  }
  for (const job of jobs) {
    let row = health.querySelector(`.job-health[data-job-id="${job.id}"]`);
    if (!row) row = jobRow(job, health);
    row.dataset.status = job.status;
    const names = job.profiles.map((p) => p.name).join(', ');
    let age = t('studio.noSegment');
    if (job.assignment && job.status !== 'ended') {
      const seconds = await lastSegmentAge(
        job.assignment.serviceUri.replace(/\/$/, ''),
        streamId,
        job.profiles[0]?.name,
      );
      if (seconds != null) age = t('studio.lastSegment', { s: seconds.toFixed(0) });
    }
    row.dataset.deposit = job.deposit;
    row.querySelector('.job-text').textContent =
      `#${job.id} · ${t('studio.status', { status: job.status })} · ${names} · ${age} · ${t('studio.depositLeft', { amount: formatOlc(job.deposit) })}`;
    for (const button of row.querySelectorAll('button')) button.disabled = job.status === 'ended';
  }
}

function jobRow(job, health) {
  const row = document.createElement('div');
  row.className = 'job-health';
  row.dataset.jobId = String(job.id);
  const text = document.createElement('span');
  text.className = 'job-text';
  const topUpAmount = document.createElement('input');
  topUpAmount.value = '1';
  topUpAmount.size = 6;
  topUpAmount.dataset.testid = 'job-topup-amount';
  const topUp = document.createElement('button');
  topUp.textContent = t('studio.topUp');
  topUp.dataset.testid = 'job-topup';
  const end = document.createElement('button');
  end.textContent = t('studio.endJob');
  end.dataset.testid = 'job-end';
  const result = document.createElement('span');
  result.className = 'status';
  result.dataset.testid = 'job-action-status';
  topUp.onclick = () =>
    send(
      chain.api.tx.Jobs.top_up({
        job_id: BigInt(job.id),
        amount: parseOlc(topUpAmount.value) ?? 0n,
      }),
      result,
    );
  end.onclick = () => send(chain.api.tx.Jobs.end_job({ job_id: BigInt(job.id) }), result);
  row.append(text, ' ', topUpAmount, topUp, end, result);
  health.append(row);
  return row;
}

/** Seconds since the newest segment of `rendition` was published, or null. */
async function lastSegmentAge(serviceUri, streamId, rendition) {
  try {
    const response = await fetch(`${serviceUri}/hls/${streamId}/${rendition}/index.m3u8`);
    if (!response.ok) return null;
    const dates = [...(await response.text()).matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)];
    if (!dates.length) return null;
    return Math.max(0, (Date.now() - Date.parse(dates[dates.length - 1][1])) / 1000);
  } catch {
    return null;
  }
}

async function send(tx, statusEl) {
  const account = wallet.account();
  if (!account) return null;
  try {
    const result = await submit(tx, account.signer, (progress) => status(statusEl, progress));
    await refreshHealth();
    return result;
  } catch {
    return null;
  }
}

function setupForms() {
  $('#stream-create').onclick = async () => {
    const title = $('[data-testid="stream-title"]').value.trim();
    if (!title) return;
    const account = wallet.account();
    if (!account) return;
    // The stream records the key that signs its segments (transcoders refuse any other): this
    // account's own sr25519 key, whose secret the ingest command below signs with.
    const result = await send(
      chain.api.tx.Jobs.create_stream({
        title: fromText(title),
        segment_key: publicKeyOf(account.address),
      }),
      $('#stream-status'),
    );
    const created = result && eventOf(result, 'Jobs', 'StreamCreated');
    if (created) {
      await refreshStreams();
      await select(created.stream_id);
    }
  };
  const profiles = $('#profiles');
  for (const profile of LADDER) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = profile.name;
    box.dataset.testid = `profile-${profile.name}`;
    box.checked = profile.name === '360p' || profile.name === '240p';
    label.append(box, ` ${profile.name}`);
    profiles.append(label);
  }
  $('[data-testid="job-create"]').onclick = async () => {
    if (!selected) return;
    const chosen = LADDER.filter((p) => profiles.querySelector(`[value="${p.name}"]`).checked).map(
      (p) => ({ ...p, name: fromText(p.name) }),
    );
    const price = parseOlc($('#job-price').value);
    const deposit = parseOlc($('#job-deposit').value);
    if (!chosen.length || price == null || deposit == null) return;
    const result = await send(
      chain.api.tx.Jobs.create_job({
        stream_id: selected,
        profiles: chosen,
        max_price_per_segment: price,
        deposit,
      }),
      $('#job-status'),
    );
    const created = result && eventOf(result, 'Jobs', 'JobCreated');
    if (created) $('#job-status').dataset.jobId = String(created.job_id);
  };
}

/** How far back the tips feed reads when the page opens: 250 blocks (≈ 8 min; nodes prune state
 * older than 256 blocks by default). */
const HISTORY_BLOCKS = 250;

/** The tips feed of `owner`: rows keyed by block hash and event index. */
function startTipsFeed(owner) {
  for (const stop of stopTips) stop();
  const feed = $('[data-testid="tips-feed"]');
  feed.innerHTML = '';
  const rows = new Map(); // `${number}:${index}:${from}:${amount}` → row data
  const keyOf = (tip, block) => `${block.number}:${tip.index}:${tip.from}:${tip.amount}`;

  function render() {
    // Newest first, whatever order rows arrived in (history loads after live blocks start).
    const ordered = [...rows.values()].sort(
      (a, b) => b.block.number - a.block.number || b.tip.index - a.tip.index,
    );
    for (const row of ordered) feed.append(row.el);
    const finals = ordered.filter((row) => row.status === 'final');
    const total = finals.reduce((sum, row) => sum + row.tip.amount, 0n);
    $('[data-testid="tips-total"]').textContent = t('studio.total', {
      amount: formatOlc(total),
      count: finals.length,
    });
    $('[data-testid="tips-total"]').dataset.total = String(total);
    const bySender = new Map();
    for (const row of finals) {
      const entry = bySender.get(row.tip.from) ?? {
        from: row.tip.from,
        nickname: row.tip.nickname,
        amount: 0n,
      };
      entry.amount += row.tip.amount;
      entry.nickname = row.tip.nickname || entry.nickname;
      bySender.set(row.tip.from, entry);
    }
    const board = $('[data-testid="leaderboard"]');
    board.innerHTML = '';
    for (const entry of [...bySender.values()]
      .sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0))
      .slice(0, 10)) {
      const item = document.createElement('li');
      item.textContent = `${entry.nickname || shortAddress(entry.from)} · ${formatOlc(entry.amount)}`;
      board.append(item);
    }
  }

  function upsert(tip, block, final) {
    const key = keyOf(tip, block);
    let row = rows.get(key);
    if (!row) {
      const el = document.createElement('li');
      el.dataset.testid = 'tip-row';
      row = { tip, block, status: 'included', el };
      rows.set(key, row);
    }
    if (final) {
      row.status = 'final';
      row.block = block; // the finalized block's hash (a fork may have moved the tip)
    }
    const gift = giftById(tip.gift);
    row.el.dataset.status = row.status;
    row.el.dataset.blockHash = row.block.hash;
    row.el.dataset.amount = String(tip.amount);
    row.el.textContent = `#${row.block.number} ${gift.icon} ${tip.nickname || shortAddress(tip.from)} · ${giftName(gift, lang)} · ${formatOlc(tip.amount)} · ${t(row.status === 'final' ? 'studio.final' : 'studio.included')}${tip.message ? ` · ${tip.message}` : ''}`;
    render();
  }

  stopTips = [
    watchBestTips(chain.client, chain.api, owner, (tip, block) => upsert(tip, block, false)),
    watchFinalizedTips(chain.client, chain.api, owner, (tip, block) => upsert(tip, block, true)),
  ];
  render();
  loadRecentTips(chain.client, chain.api, owner, HISTORY_BLOCKS, (tip, block) =>
    upsert(tip, block, true),
  ).finally(() => {
    feed.dataset.history = 'loaded';
  });

  $('[data-testid="csv-export"]').onclick = () => {
    const header =
      'block_number,block_hash,event_index,from,to,amount_planck,amount_olc,gift,nickname,message,status';
    const quote = (value) => `"${String(value).replace(/"/g, '""')}"`;
    const lines = [...rows.values()]
      .sort((a, b) => a.block.number - b.block.number || a.tip.index - b.tip.index)
      .map(({ tip, block, status: s }) =>
        [
          block.number,
          block.hash,
          tip.index,
          tip.from,
          tip.to,
          tip.amount,
          formatOlc(tip.amount).replace(' OLC', ''),
          tip.gift,
          quote(tip.nickname),
          quote(tip.message),
          s,
        ].join(','),
      );
    const blob = new Blob([[header, ...lines].join('\n') + '\n'], {
      type: 'text/csv;charset=utf-8',
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `olc-tips-${owner.slice(0, 8)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };
}

async function main() {
  chain = connectChain();
  wallet = setupHeader(chain, (account) => {
    $('#studio-body').hidden = !account;
    if (!account) return;
    refreshStreams();
    startTipsFeed(account.address);
  });
  setupForms();
  setInterval(() => refreshHealth().catch(() => {}), 4000);
}

main().catch((error) => console.error(error));
