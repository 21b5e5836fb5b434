// Where the chat transport plugs in. The chat network (web/src/chat.js, built separately) is
// wired here: return { send(text), subscribe(onMessage) } for `streamId`, or null while there is
// none (the panel then says chat is unavailable). Pages call this once and pass the result to
// danmaku.js's `connect`.
export async function chatTransport(/* { streamId, rpcUrl, client, account } */) {
  return null;
}
