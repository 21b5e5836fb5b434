// The tip form: gift, amount, nickname, message, the fee before signing, and the status of the
// tipper's own tip: "pending · block #N" when included, then "final · block #N". Every check
// that can be made before signing is made here (amount format, gift minimum, byte lengths,
// balance including the fee), so the extension is only asked to sign a tip that can succeed.
import { GIFTS, giftById, giftName } from './gifts.js';
import {
  formatOlc,
  parseOlc,
  byteLength,
  fromText,
  spendable,
  submit,
  sameAccount,
} from './chain.js';
import { t, lang } from './i18n.js';

/**
 * Mounts the form in `root`. `chain` = { api }, `recipient` the stream owner's address,
 * `account()` the wallet account in use ({ address, signer }) or null.
 */
export function createTipForm(root, { chain, recipient, account }) {
  root.innerHTML = `
    <h3></h3>
    <label><span data-i18n="tip.gift"></span><select data-testid="tip-gift"></select></label>
    <label><span data-i18n="tip.amount"></span><input data-testid="tip-amount" inputmode="decimal" value=""></label>
    <label><span data-i18n="tip.nickname"></span><input data-testid="tip-nickname" maxlength="32"></label>
    <label><span data-i18n="tip.message"></span><input data-testid="tip-message"></label>
    <div class="tip-fee" data-testid="tip-fee"></div>
    <button data-testid="tip-send"></button>
    <div class="tip-status" data-testid="tip-status" role="status"></div>`;
  root.querySelector('h3').textContent = t('tip.title');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const giftSelect = root.querySelector('[data-testid="tip-gift"]');
  const amountInput = root.querySelector('[data-testid="tip-amount"]');
  const nickInput = root.querySelector('[data-testid="tip-nickname"]');
  const msgInput = root.querySelector('[data-testid="tip-message"]');
  const feeEl = root.querySelector('[data-testid="tip-fee"]');
  const send = root.querySelector('[data-testid="tip-send"]');
  const status = root.querySelector('[data-testid="tip-status"]');
  send.textContent = t('tip.send');
  nickInput.value = localStorage.getItem('olc.nickname') ?? '';

  for (const gift of GIFTS) {
    giftSelect.append(
      new Option(
        `${gift.icon} ${giftName(gift, lang)} · ${t('tip.min', { min: formatOlc(gift.min) })}`,
        String(gift.id),
      ),
    );
  }
  giftSelect.onchange = () => {
    const gift = giftById(Number(giftSelect.value));
    const amount = parseOlc(amountInput.value);
    if (amount == null || amount < gift.min)
      amountInput.value = formatOlc(gift.min).replace(' OLC', '');
    updateFee();
  };

  const setStatus = (kind, message) => {
    status.dataset.kind = kind;
    status.textContent = message;
  };

  /** The call for the form's values, or throws a readable Error. */
  function buildTx() {
    const gift = giftById(Number(giftSelect.value));
    const amount = parseOlc(amountInput.value);
    if (amount == null || amount === 0n) throw new Error(t('tip.badAmount'));
    if (amount < gift.min)
      throw new Error(t('tip.belowMin', { gift: giftName(gift, lang), min: formatOlc(gift.min) }));
    if (byteLength(nickInput.value) > 32) throw new Error(t('tip.nickTooLong'));
    if (byteLength(msgInput.value) > 140) throw new Error(t('tip.msgTooLong'));
    const tx = chain.api.tx.OlcToken.tip({
      to: recipient,
      amount,
      gift: gift.id,
      nickname: fromText(nickInput.value),
      message: fromText(msgInput.value),
    });
    return { tx, amount };
  }

  let feeSeq = 0;
  async function updateFee() {
    const who = account();
    const seq = ++feeSeq;
    if (!who) {
      feeEl.textContent = '';
      return;
    }
    try {
      const { tx } = buildTx();
      const fee = await tx.getEstimatedFees(who.address);
      if (seq === feeSeq) {
        feeEl.textContent = t('tip.fee', { fee: formatOlc(fee) });
        feeEl.dataset.fee = String(fee);
      }
    } catch {
      if (seq === feeSeq) feeEl.textContent = '';
    }
  }
  for (const input of [amountInput, nickInput, msgInput])
    input.addEventListener('input', () => updateFee());
  giftSelect.value = '1';
  giftSelect.onchange();

  send.onclick = async () => {
    const who = account();
    if (!who) return setStatus('error', t('tip.needWallet'));
    if (sameAccount(who.address, recipient)) return setStatus('error', t('tip.ownStream'));
    let built;
    try {
      built = buildTx();
    } catch (error) {
      return setStatus('error', error.message);
    }
    send.disabled = true;
    try {
      const [fee, have] = await Promise.all([
        built.tx.getEstimatedFees(who.address),
        spendable(chain.api, who.address),
      ]);
      feeEl.textContent = t('tip.fee', { fee: formatOlc(fee) });
      if (built.amount + fee > have) {
        return setStatus(
          'error',
          t('tip.tooMuch', { need: formatOlc(built.amount + fee), have: formatOlc(have) }),
        );
      }
      localStorage.setItem('olc.nickname', nickInput.value);
      await submit(built.tx, who.signer, (progress) => {
        const messages = {
          signing: () => t('tip.signing'),
          submitted: () => t('tip.submitted'),
          pending: () => t('tip.pending', { block: progress.block.number }),
          final: () => t('tip.final', { block: progress.block.number }),
          cancelled: () => t('tip.cancelled'),
          failed: () => t('tip.failed', { error: progress.error }),
        };
        setStatus(progress.kind, messages[progress.kind]());
      }).catch(() => {});
    } catch (error) {
      setStatus('error', t('tip.failed', { error: error.message }));
    } finally {
      send.disabled = false;
    }
  };

  return { updateFee };
}
