// Where the page finds the chain and which stream it shows: everything comes from the URL, so the
// same bundle works from the transcoder's server and from any static host.
//
//   ?stream=0x…   the stream (64 hex digits)
//   ?rpc=ws://…   the node's JSON-RPC WebSocket (default: ws://<this host>:9944)
//   ?lang=zh-CN   the interface language (default: the browser's)

const params = new URLSearchParams(location.search);

/** The node's WebSocket endpoint. */
export const rpcUrl = params.get('rpc') || `ws://${location.hostname || '127.0.0.1'}:9944`;

/** The stream id from `?stream=`, normalized to `0x` + 64 lowercase hex digits, or null. */
export function streamParam() {
  const raw = (params.get('stream') || '').trim().toLowerCase();
  const hex = raw.startsWith('0x') ? raw.slice(2) : raw;
  return /^[0-9a-f]{64}$/.test(hex) ? `0x${hex}` : null;
}

/** A link to another page of the app that keeps `?rpc=` and `?lang=`. */
export function pageUrl(page, extra = {}) {
  const next = new URLSearchParams();
  for (const key of ['rpc', 'lang']) if (params.get(key)) next.set(key, params.get(key));
  for (const [key, value] of Object.entries(extra)) next.set(key, value);
  const base = location.pathname.endsWith('.html') ? `${page}.html` : `/${page}`;
  return `${base}?${next}`;
}

export const langParam = params.get('lang');
