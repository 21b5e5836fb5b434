// Danmaku over the video and the chat panel beside it. This module only shows and collects
// messages; the transport (the chat network) is plugged in with `connect(transport)`, where
// transport = { send(text) → Promise, subscribe(onMessage) → unsubscribe, and optionally
// state() → Promise<'watch' | 'enable' | 'ready'> and enable() → Promise } and a message is
// { id, from, nickname, text, at }. While the state is 'watch' (no wallet account) the panel asks
// for a wallet; while 'enable', it offers the one-time "enable chat" button (data-testid
// chat-enable); sending waits for 'ready'. Settings (on/off, opacity, speed, area, blocked words) are
// kept in localStorage.
import { t } from './i18n.js';
import { shortAddress } from './chain.js';

const SETTINGS_KEY = 'olc.danmaku';
const defaults = { on: true, opacity: 0.9, speed: 1, area: 0.75, blocked: '' };

export function loadSettings() {
  try {
    return { ...defaults, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') };
  } catch {
    return { ...defaults };
  }
}

/** Mounts danmaku in `layer` (over the video) and the chat panel in `panel` (null: overlay). */
export function createChat({ layer, panel }) {
  const settings = loadSettings();
  let transport = null;
  const seen = new Set();
  let lane = 0;

  const blocked = (text) =>
    settings.blocked
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean)
      .some((word) => text.toLowerCase().includes(word.toLowerCase()));

  function applySettings() {
    layer.style.opacity = settings.on ? String(settings.opacity) : '0';
    layer.style.height = `${Math.round(settings.area * 100)}%`;
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  }

  function fly(message) {
    if (!settings.on || blocked(message.text)) return;
    const el = document.createElement('div');
    el.className = 'danmaku';
    el.dataset.testid = 'danmaku';
    el.textContent = message.text;
    const lanes = 8;
    el.style.top = `${(lane++ % lanes) * (100 / lanes)}%`;
    el.style.animationDuration = `${8 / settings.speed}s`;
    el.addEventListener('animationend', () => el.remove());
    layer.append(el);
  }

  let list = null;
  if (panel) {
    panel.innerHTML = `
      <h3></h3>
      <ol class="chat-list"></ol>
      <form class="chat-form"><input data-testid="chat-input" maxlength="200"><button data-testid="chat-send"></button></form>
      <details class="chat-settings"><summary></summary>
        <label><input type="checkbox" name="on"> <span></span></label>
        <label><span></span> <input type="range" name="opacity" min="0.2" max="1" step="0.1"></label>
        <label><span></span> <input type="range" name="speed" min="0.5" max="2" step="0.25"></label>
        <label><span></span> <input type="range" name="area" min="0.25" max="1" step="0.25"></label>
        <label><span></span> <input name="blocked"></label>
      </details>
      <button class="chat-enable" data-testid="chat-enable" hidden></button>
      <p class="chat-note" data-testid="chat-note"></p>`;
    panel.querySelector('h3').textContent = t('chat.title');
    list = panel.querySelector('.chat-list');
    const input = panel.querySelector('[data-testid="chat-input"]');
    input.placeholder = t('chat.placeholder');
    panel.querySelector('[data-testid="chat-send"]').textContent = t('chat.send');
    panel.querySelector('summary').textContent = t('chat.settings');
    const labels = ['chat.on', 'chat.opacity', 'chat.speed', 'chat.area', 'chat.blocked'];
    panel.querySelectorAll('.chat-settings label span').forEach((span, i) => {
      span.textContent = t(labels[i]);
    });
    for (const field of panel.querySelectorAll('.chat-settings input')) {
      if (field.type === 'checkbox') field.checked = settings[field.name];
      else field.value = settings[field.name];
      field.addEventListener('input', () => {
        settings[field.name] =
          field.type === 'checkbox'
            ? field.checked
            : field.type === 'range'
              ? Number(field.value)
              : field.value;
        applySettings();
      });
    }
    const note = panel.querySelector('.chat-note');
    panel.querySelector('form.chat-form').onsubmit = async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !transport) return;
      if ((await state()) !== 'ready') return;
      input.value = '';
      try {
        const answer = await transport.send(text);
        if (answer && answer.status !== 'new' && answer.status !== 'known') {
          note.textContent = t('chat.refused', { reason: answer.reason ?? answer.status });
        } else note.textContent = '';
      } catch (error) {
        note.textContent = t('chat.refused', { reason: error.message });
      }
    };
    const enable = panel.querySelector('[data-testid="chat-enable"]');
    enable.textContent = t('chat.enable');
    enable.onclick = async () => {
      enable.disabled = true;
      note.textContent = t('chat.enabling');
      try {
        await transport.enable();
      } catch (error) {
        note.textContent = t('chat.enableFailed', { error: error.message });
      }
      enable.disabled = false;
      await refresh();
    };
    note.textContent = t('chat.unavailable');
  }
  applySettings();

  function show(message) {
    if (message.id != null) {
      if (seen.has(message.id)) return;
      seen.add(message.id);
    }
    fly(message);
    if (list && !blocked(message.text)) {
      const item = document.createElement('li');
      item.dataset.testid = 'chat-message';
      const who = document.createElement('b');
      who.textContent = message.nickname || shortAddress(message.from);
      item.append(who, ` ${message.text}`);
      list.append(item);
      while (list.children.length > 200) list.firstChild.remove();
      list.scrollTop = list.scrollHeight;
    }
  }

  const state = async () => (transport?.state ? transport.state().catch(() => 'watch') : 'ready');

  /** Shows what the panel needs (wallet, enabling, nothing) for the transport's state. */
  async function refresh() {
    if (!panel || !transport) return;
    const now = await state();
    panel.dataset.chatState = now;
    panel.querySelector('[data-testid="chat-enable"]').hidden = now !== 'enable';
    panel.querySelector('[data-testid="chat-send"]').disabled = now !== 'ready';
    const note = panel.querySelector('.chat-note');
    if (now === 'watch') note.textContent = t('chat.needWallet');
    else if (now === 'enable') note.textContent = t('chat.needEnable');
    else if (
      note.textContent === t('chat.needWallet') ||
      note.textContent === t('chat.needEnable') ||
      note.textContent === t('chat.unavailable') ||
      note.textContent === t('chat.enabling')
    )
      note.textContent = '';
  }

  return {
    show,
    refresh,
    /** Plugs a chat transport in (see the module docs); returns its unsubscribe function. */
    connect(next) {
      transport = next;
      if (panel) panel.querySelector('.chat-note').textContent = '';
      refresh();
      return next.subscribe(show);
    },
  };
}
