// Gift effects. Every effect shown is a finalized `Tipped` event: callers pass only tips read
// from finalized blocks. Effects queue (at most MAX_ON_SCREEN at once), a repeat of the gift on
// screen (same sender, gift and nickname) adds ×N and its amount to it instead of queueing, the tier sets size
// and time on screen, and `prefers-reduced-motion` shows a still card. Each effect carries a
// "verify" link that re-reads its event from the chain.
import { giftById, giftName } from './gifts.js';
import { formatOlc, shortAddress } from './chain.js';
import { t, lang } from './i18n.js';

const MAX_ON_SCREEN = 3;
const SECONDS_BY_TIER = { 1: 6, 2: 8, 3: 10, 4: 12 };

const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

/**
 * Effects in `layer`. `verify(tip, block)` resolves with { ok, number }.
 * Returns { show(tip, block) }.
 */
export function createEffects(layer, verify) {
  const onScreen = []; // { key, el, count, timer }
  const queue = [];

  const keyOf = (tip) => `${tip.from}|${tip.gift}|${tip.nickname}`;

  function render(entry) {
    const { tip, block } = entry;
    const gift = giftById(tip.gift);
    const el = document.createElement('div');
    el.className = `gift-effect tier-${gift.tier}${reducedMotion() ? ' still' : ''}`;
    el.dataset.testid = 'gift-effect';
    el.dataset.block = String(block.number);
    el.innerHTML = `
      <span class="gift-icon"></span>
      <span class="gift-text"><b class="gift-nick"></b> <span class="gift-name"></span>
        <span class="gift-amount"></span> <span class="gift-count"></span>
        <span class="gift-message"></span></span>
      <a href="#" class="gift-verify"></a>`;
    el.querySelector('.gift-icon').textContent = gift.icon;
    el.querySelector('.gift-nick').textContent = tip.nickname || shortAddress(tip.from);
    el.querySelector('.gift-name').textContent = giftName(gift, lang);
    el.querySelector('.gift-amount').textContent = formatOlc(tip.amount);
    el.querySelector('.gift-message').textContent = tip.message;
    const link = el.querySelector('.gift-verify');
    link.textContent = t('effect.verify');
    link.dataset.testid = 'gift-verify';
    link.onclick = async (event) => {
      event.preventDefault();
      entry.hold = true;
      link.textContent = t('effect.verifying');
      try {
        const result = await verify(tip, block);
        link.textContent = result.ok
          ? t('effect.verified', { block: result.number })
          : t('effect.notVerified');
        link.dataset.verified = result.ok ? 'yes' : 'no';
      } catch (error) {
        link.textContent = t('common.error', { error: error.message });
        link.dataset.verified = 'no';
      }
      setTimeout(() => {
        entry.hold = false;
      }, 4000);
    };
    return el;
  }

  function setCount(entry) {
    entry.el.querySelector('.gift-count').textContent = entry.count > 1 ? `×${entry.count}` : '';
    entry.el.querySelector('.gift-amount').textContent = formatOlc(entry.total);
    entry.el.dataset.count = String(entry.count);
  }

  function schedule(entry) {
    clearTimeout(entry.timer);
    const seconds = SECONDS_BY_TIER[giftById(entry.tip.gift).tier] ?? 5;
    entry.timer = setTimeout(function leave() {
      if (entry.hold || entry.el.matches(':hover')) {
        entry.timer = setTimeout(leave, 1000);
        return;
      }
      entry.el.remove();
      onScreen.splice(onScreen.indexOf(entry), 1);
      next();
    }, seconds * 1000);
  }

  function next() {
    while (onScreen.length < MAX_ON_SCREEN && queue.length) {
      const entry = queue.shift();
      entry.el = render(entry);
      setCount(entry);
      layer.append(entry.el);
      onScreen.push(entry);
      schedule(entry);
    }
  }

  return {
    show(tip, block) {
      const key = keyOf(tip);
      const shown = onScreen.find((entry) => entry.key === key);
      const waiting = queue.find((entry) => entry.key === key);
      if (shown) {
        shown.count += 1;
        shown.total += tip.amount;
        setCount(shown);
        schedule(shown); // a repeat keeps it on screen longer
        return;
      }
      if (waiting) {
        waiting.count += 1;
        waiting.total += tip.amount;
        return;
      }
      queue.push({ key, tip, block, count: 1, total: tip.amount, hold: false });
      next();
    },
  };
}
