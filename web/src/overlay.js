// The OBS overlay: /overlay?stream=0x… on a transparent page (OBS browser source). It shows
// finalized gift effects and danmaku only: no player, no controls.
import { streamParam } from './config.js';
import { connectChain } from './page.js';
import { watchFinalizedTips, verifyTip } from './chain.js';
import { createEffects } from './effects.js';
import { createChat } from './danmaku.js';
import { chatTransport } from './chat-slot.js';

async function main() {
  const streamId = streamParam();
  if (!streamId) return;
  const chain = connectChain();
  const stream = await chain.rpc('jobs_stream', streamId);
  if (!stream) return;
  const effects = createEffects(document.querySelector('#effects'), (tip, block) =>
    verifyTip(chain.client, chain.api, block.hash, tip),
  );
  watchFinalizedTips(chain.client, chain.api, stream.owner, (tip, block) =>
    effects.show(tip, block),
  );
  document.body.dataset.ready = 'yes';
  const chat = createChat({ layer: document.querySelector('#danmaku'), panel: null });
  const transport = await chatTransport({ streamId, chain, account: () => null });
  if (transport) chat.connect(transport);
}

main().catch((error) => console.error(error));
