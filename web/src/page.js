// What every page shares: the header (title, language switch, wallet button) and the chain
// connection status.
import { connect } from './chain.js';
import { rpcUrl } from './config.js';
import { connectWallet } from './wallet.js';
import { t, applyI18n, languageButton } from './i18n.js';
import { formatOlc, spendable, shortAddress } from './chain.js';

/** Connects to the chain at ?rpc= and marks the page with the connection status. */
export function connectChain() {
  return connect(rpcUrl, (status) => {
    document.body.dataset.rpc = String(status.type);
  });
}

/**
 * Fills the page header; `onAccount(account)` is called when a wallet account is chosen.
 * Returns { account() }.
 */
export function setupHeader(chain, onAccount = () => {}) {
  applyI18n();
  const header = document.querySelector('header .tools');
  header.append(languageButton());
  const wallet = document.createElement('span');
  wallet.className = 'wallet';
  const button = document.createElement('button');
  button.dataset.testid = 'wallet-connect';
  button.textContent = t('wallet.connect');
  const select = document.createElement('select');
  select.dataset.testid = 'wallet-account';
  select.hidden = true;
  const balance = document.createElement('span');
  balance.className = 'balance';
  balance.dataset.testid = 'wallet-balance';
  const note = document.createElement('span');
  note.className = 'note';
  wallet.append(button, select, balance, note);
  header.append(wallet);

  let accounts = [];
  let current = null;
  async function showBalance() {
    if (!current) return;
    try {
      balance.textContent = t('wallet.balance', {
        amount: formatOlc(await spendable(chain.api, current.address)),
      });
    } catch {
      /* shown on the next block */
    }
  }
  function choose(index) {
    current = accounts[index] ?? null;
    select.value = String(index);
    showBalance();
    onAccount(current);
  }
  button.onclick = async () => {
    const connected = await connectWallet();
    if (!connected) {
      note.textContent = t('wallet.none');
      return;
    }
    accounts = connected.accounts;
    if (!accounts.length) {
      note.textContent = t('wallet.noAccounts');
      return;
    }
    select.innerHTML = '';
    accounts.forEach((account, index) =>
      select.append(
        new Option(
          `${account.name || t('wallet.account')} ${shortAddress(account.address)}`,
          String(index),
        ),
      ),
    );
    select.hidden = false;
    button.hidden = true;
    select.onchange = () => choose(Number(select.value));
    choose(0);
  };
  chain.client.finalizedBlock$.subscribe(() => showBalance());
  return { account: () => current };
}
