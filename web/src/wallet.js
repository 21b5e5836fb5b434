// The wallet, through the polkadot.js extension protocol: any extension that puts itself in
// `window.injectedWeb3` (polkadot.js, Talisman, SubWallet, …) works. Nothing here holds a key:
// signing is the extension's, and a refusal there rejects the transaction before it is sent.
import { getPolkadotSignerFromPjs } from 'polkadot-api/pjs-signer';

const APP_NAME = 'OpenLive';

/** Names of the injected extensions (waits briefly: extensions inject at page start). */
export async function extensions() {
  for (let i = 0; i < 10 && !Object.keys(window.injectedWeb3 ?? {}).length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Object.keys(window.injectedWeb3 ?? {});
}

/**
 * Asks the first extension for access; resolves with { name, accounts: [{ address, name,
 * signer }] } (signer is a PAPI PolkadotSigner), or null without an extension.
 */
export async function connectWallet() {
  const [name] = await extensions();
  if (!name) return null;
  const injected = await window.injectedWeb3[name].enable(APP_NAME);
  const accounts = await injected.accounts.get();
  return {
    name,
    accounts: accounts.map((account) => ({
      address: account.address,
      name: account.name ?? '',
      signer: getPolkadotSignerFromPjs(
        account.address,
        (payload) => injected.signer.signPayload(payload),
        (raw) => injected.signer.signRaw(raw),
      ),
    })),
  };
}
