// Reporting a stream (pallet-reporting): a reason, and evidence filled in from what is on screen:
// the segment's sequence number and the hash (blake2b-256) of its transcode receipt, which the
// transcoder signed and the trusted group can fetch. The deposit is shown before signing. Not
// offered on one's own stream (the chain refuses it with `CannotReportOwnStream`).
import { formatOlc, fromText, blake2, submit, sameAccount } from './chain.js';
import { t } from './i18n.js';

export const REASONS = [0, 1, 2, 3, 4];

/**
 * Mounts the report button and dialog in `root`. `evidence()` resolves with the evidence text;
 * `account()` is the wallet account or null; `owner` the stream owner.
 */
export function createReport(root, { chain, streamId, owner, account, evidence }) {
  root.innerHTML = `
    <button data-testid="report-open"></button>
    <dialog class="report-dialog">
      <form method="dialog">
        <h3></h3>
        <label><span data-i18n="report.reason"></span><select data-testid="report-reason"></select></label>
        <label><span data-i18n="report.evidence"></span><input data-testid="report-evidence"></label>
        <p class="report-deposit" data-testid="report-deposit"></p>
        <div class="report-status" data-testid="report-status" role="status"></div>
        <menu><button value="cancel" class="report-close"></button><button data-testid="report-send" value="send"></button></menu>
      </form>
    </dialog>`;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const open = root.querySelector('[data-testid="report-open"]');
  const dialog = root.querySelector('dialog');
  const reason = root.querySelector('[data-testid="report-reason"]');
  const evidenceInput = root.querySelector('[data-testid="report-evidence"]');
  const deposit = root.querySelector('[data-testid="report-deposit"]');
  const status = root.querySelector('[data-testid="report-status"]');
  const send = root.querySelector('[data-testid="report-send"]');
  root.querySelector('h3').textContent = t('report.title');
  root.querySelector('.report-close').textContent = t('report.cancel');
  open.textContent = t('report.open');
  send.textContent = t('report.send');
  for (const code of REASONS) reason.append(new Option(t(`report.reasons.${code}`), String(code)));

  /** Hidden on one's own stream and without a wallet account. */
  function refresh() {
    const who = account();
    const own = !!who && sameAccount(who.address, owner);
    open.hidden = !who || own;
    root.dataset.own = own ? 'yes' : 'no';
  }

  open.onclick = async () => {
    status.textContent = '';
    dialog.showModal();
    const [amount, text] = await Promise.all([
      chain.api.constants.Reporting.ReportDeposit(),
      evidence().catch(() => ''),
    ]);
    deposit.textContent = t('report.deposit', { amount: formatOlc(amount) });
    evidenceInput.value = text;
  };

  send.onclick = async (event) => {
    event.preventDefault();
    const who = account();
    if (!who) return;
    const tx = chain.api.tx.Reporting.report({
      stream_id: streamId,
      reason: Number(reason.value),
      evidence: fromText(evidenceInput.value.slice(0, 256)),
    });
    send.disabled = true;
    await submit(tx, who.signer, (progress) => {
      status.dataset.kind = progress.kind;
      if (progress.kind === 'final') {
        const reported = progress.events.find(
          (e) => e.type === 'Reporting' && e.value.type === 'Reported',
        );
        status.textContent = t('report.sent', {
          id: reported?.value.value.report_id ?? '?',
          block: progress.block.number,
        });
      } else if (progress.kind === 'pending') {
        status.textContent = t('tip.pending', { block: progress.block.number });
      } else if (progress.kind === 'cancelled') {
        status.textContent = t('tip.cancelled');
      } else if (progress.kind === 'failed') {
        status.textContent = t('common.error', { error: progress.error });
      } else {
        status.textContent = t('tip.signing');
      }
    }).catch(() => {});
    send.disabled = false;
  };

  refresh();
  return { refresh };
}

/**
 * Evidence for the segment on screen: "seq=N receipt=0x…" (the receipt's blake2b-256), read
 * from the transcoder at `serviceUri`.
 */
export async function segmentEvidence(serviceUri, streamId, seq) {
  if (seq == null) return '';
  const response = await fetch(`${serviceUri}/receipts/${streamId}/${seq}`);
  if (!response.ok) return `seq=${seq}`;
  const hex = (await response.text()).trim().replace(/^0x/, '');
  const bytes = new Uint8Array(hex.match(/../g).map((byte) => parseInt(byte, 16)));
  return `seq=${seq} receipt=${blake2(bytes)}`;
}
