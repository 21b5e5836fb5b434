// Danmaku over the video and the chat panel beside it. This module only shows and collects
// messages; the transport (the chat network) is plugged in with `connect(transport)`, where
// transport = { send(text) → Promise, subscribe(onMessage) → unsubscribe } and a message is
// { id, from, nickname, text, at }. Settings (on/off, opacity, speed, area, blocked words) are
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

  const blocked = (text) => settings.blocked.split(',').map((w) => w.trim()).filter(Boolean)
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
      <p class="chat-note"></p>`;
    panel.querySelector('h3').textContent = t('chat.title');
    list = panel.querySelector('.chat-list');
    const input = panel.querySelector('[data-testid="chat-input"]');
    input.placeholder = t('chat.placeholder');
    panel.querySelector('[data-testid="chat-send"]').textContent = t('chat.send');
    panel.querySelector('summary').textContent = t('chat.settings');
    const labels = ['chat.on', 'chat.opacity', 'chat.speed', 'chat.area', 'chat.blocked'];
    panel.querySelectorAll('.chat-settings label span').forEach((span, i) => { span.textContent = t(labels[i]); });
    for (const field of panel.querySelectorAll('.chat-settings input')) {
      if (field.type === 'checkbox') field.checked = settings[field.name];
      else field.value = settings[field.name];
      field.addEventListener('input', () => {
        settings[field.name] = field.type === 'checkbox' ? field.checked : field.type === 'range' ? Number(field.value) : field.value;
        applySettings();
      });
    }
    panel.querySelector('form.chat-form').onsubmit = async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !transport) return;
      input.value = '';
      await transport.send(text);
    };
    panel.querySelector('.chat-note').textContent = t('chat.unavailable');
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

  return {
    show,
    /** Plugs a chat transport in (see the module docs); returns its unsubscribe function. */
    connect(next) {
      transport = next;
      if (panel) panel.querySelector('.chat-note').textContent = '';
      return next.subscribe(show);
    },
  };
}
