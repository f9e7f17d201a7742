import { createGatehouse, GatehouseError, type Session, type User } from './api.js';
import { createFactors, secondFactorOf } from './factors.js';
import { createLive } from './live.js';
import { createPasskeys, type Passkey } from './passkeys.js';
import { createSecurity } from './security.js';

/**
 * The page's entry point. The API URL comes from `?api=` (kept for this tab, so that a mailed link opened here
 * finds it again); by default port 4000 on this page's own host name, so page and API are different origins of
 * the same site and the SameSite=Lax cookie is sent.
 */
const apiUrl =
  new URLSearchParams(location.search).get('api') ??
  sessionStorage.getItem('gatehouse-api') ??
  `${location.protocol}//${location.hostname}:4000/graphql`;
sessionStorage.setItem('gatehouse-api', apiUrl);
const api = createGatehouse(apiUrl);
const passkeys = createPasskeys(apiUrl);
const factors = createFactors(apiUrl);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

const status = byId<HTMLParagraphElement>('status');
const loginForm = byId<HTMLFormElement>('login-form');
const secondFactorForm = byId<HTMLFormElement>('second-factor-form');
const forgotForm = byId<HTMLFormElement>('forgot-form');
const resetForm = byId<HTMLFormElement>('reset-form');
const account = byId<HTMLElement>('account');
const sessionRows = byId<HTMLTableSectionElement>('sessions');

/** `data-state` on <body> says what is on screen (loading, login, account, …); tests and CSS key off it. */
function setState(
  state: 'loading' | 'login' | 'second-factor' | 'account' | 'forgot' | 'reset',
  message = '',
): void {
  document.body.dataset.state = state;
  loginForm.hidden = state !== 'login';
  secondFactorForm.hidden = state !== 'second-factor';
  forgotForm.hidden = state !== 'forgot';
  resetForm.hidden = state !== 'reset';
  account.hidden = state !== 'account';
  status.textContent = message;
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text; // textContent, never innerHTML: a user agent string is attacker-controlled.
  return td;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function renderAccount(user: User, sessions: Session[]): void {
  byId('user-email').textContent = user.email;
  byId('user-roles').textContent = user.roles.join(', ');
  byId('user-id').textContent = user.id;
  renderSessions(sessions);
  setState('account');
}

function renderSessions(sessions: Session[]): void {
  sessionRows.replaceChildren(
    ...sessions.map((s) => {
      const row = document.createElement('tr');
      row.dataset.sessionId = s.id;
      row.dataset.current = String(s.current);
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.dataset.revoke = s.id;
      const action = document.createElement('td');
      action.append(revoke);
      row.append(
        cell(s.transport),
        cell(s.current ? 'this browser' : ''),
        cell(when(s.createdAt)),
        cell(when(s.lastSeenAt)),
        cell(s.userAgent ?? ''),
        action,
      );
      return row;
    }),
  );
}

function renderPasskeys(list: Passkey[]): void {
  byId('passkeys').replaceChildren(
    ...list.map((p) => {
      const item = document.createElement('li');
      item.dataset.passkeyId = p.id;
      item.textContent = `${p.name} (added ${when(p.createdAt)}${p.lastUsedAt ? `, last used ${when(p.lastUsedAt)}` : ''})`;
      return item;
    }),
  );
}

/** Asks the API who we are: the cookie (if any) decides. */
async function refreshView(message = ''): Promise<void> {
  const user = await api.me();
  if (!user) {
    live.follow(undefined);
    setState('login', message);
    return;
  }
  const sessions = await api.mySessions();
  renderAccount(user, sessions);
  live.follow(sessions.find((s) => s.current)?.id);
  renderPasskeys(await passkeys.list());
  await security.refresh();
  status.textContent = message;
}

/** Runs one user action; an UNAUTHENTICATED answer (session revoked or expired elsewhere) means: log in again. */
async function run(action: () => Promise<void>): Promise<void> {
  const buttons = [...document.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  try {
    await action();
  } catch (error) {
    if (error instanceof GatehouseError && error.unauthenticated) {
      setState('login', document.body.dataset.state === 'login' ? error.message : 'Please log in again.');
    } else {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

const security = createSecurity({ factors, byId, run });

/**
 * Live account events while logged in: this session ended elsewhere (another device revoked it, logged out
 * everywhere, changed the password) lands on the login form at once; a sign-in on another device is shown. Text
 * through textContent only (setState, renderSessions).
 */
const live = createLive(apiUrl, {
  onState: (state) => (document.body.dataset.live = state),
  onSignedOut: () => setState('login', 'You were signed out on this device.'),
  onEvent: (event) => {
    if (document.body.dataset.state !== 'account') return;
    if (event.type === 'SESSION_STARTED') status.textContent = 'New sign-in from another device.';
    if (event.type === 'SESSION_STARTED' || event.type === 'SESSION_REVOKED') {
      void run(async () => renderSessions(await api.mySessions()));
    }
  },
});

/** The challenge of a login that answered SECOND_FACTOR_REQUIRED; kept in memory only, spent by the next code. */
let loginChallenge = '';

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(loginForm);
  void run(async () => {
    try {
      await api.login(String(form.get('email')), String(form.get('password')));
    } catch (error) {
      if (!(error instanceof GatehouseError && error.code === 'SECOND_FACTOR_REQUIRED')) throw error;
      loginForm.reset();
      const offered = (error.extensions.factors ?? []) as string[];
      if (!offered.includes('TOTP') && !offered.includes('RECOVERY_CODE')) {
        setState('login', 'This account signs in with a passkey: use "Sign in with a passkey".');
        return;
      }
      loginChallenge = String(error.extensions.challenge);
      setState('second-factor');
      return;
    }
    loginForm.reset();
    await refreshView();
  });
});

secondFactorForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = String(new FormData(secondFactorForm).get('code'));
  const challenge = loginChallenge;
  loginChallenge = '';
  secondFactorForm.reset();
  void run(async () => {
    try {
      await factors.completeLogin(challenge, secondFactorOf(code));
    } catch (error) {
      // A wrong code spends the challenge all the same (no guessing on one password check): start again.
      if (!(error instanceof GatehouseError && error.reason === 'INVALID_CREDENTIALS')) throw error;
      setState('login', 'That code was not right. Log in again.');
      return;
    }
    await refreshView();
  });
});

byId('second-factor-cancel').addEventListener('click', () => {
  loginChallenge = '';
  secondFactorForm.reset();
  setState('login');
});

byId('logout').addEventListener('click', () =>
  run(async () => {
    live.stop(); // this page ends its own session: the socket's 4403 is no news
    await api.logout();
    setState('login', 'Logged out.');
  }),
);

byId('logout-all').addEventListener('click', () =>
  run(async () => {
    live.stop();
    const count = await api.logoutAll();
    setState('login', `Logged out of ${count} session(s).`);
  }),
);

byId('passkey-login').addEventListener('click', () =>
  run(async () => {
    await passkeys.signIn();
    await refreshView();
  }),
);

byId('passkey-add').addEventListener('click', () =>
  run(async () => {
    await passkeys.add('This browser');
    await refreshView();
  }),
);

byId('reload').addEventListener('click', () => run(() => refreshView()));

sessionRows.addEventListener('click', (event) => {
  const id = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-revoke]')?.dataset.revoke;
  if (!id) return;
  void run(async () => {
    const own = sessionRows
      .querySelector(`tr[data-session-id="${CSS.escape(id)}"]`)
      ?.getAttribute('data-current');
    if (own === 'true') live.stop();
    await api.revokeSession(id);
    await refreshView('Session revoked.'); // revoking this browser's own session lands on the login form
  });
});

byId('forgot').addEventListener('click', () => setState('forgot'));
byId('forgot-cancel').addEventListener('click', () => setState('login'));

forgotForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const email = String(new FormData(forgotForm).get('email'));
  void run(async () => {
    await api.requestPasswordReset(email);
    forgotForm.reset();
    // The same words whether or not the address has an account: the API does not say, and neither does the page.
    setState('login', 'If an account uses this address, a link to reset its password is on its way.');
  });
});

/**
 * The pages a mailed link opens: APP_URL/verify-email, /reset-password or /confirm-email with `?token=`. The token
 * is taken out of the address bar at once (history, screenshots, a shared screen), then used.
 */
const linkToken = new URLSearchParams(location.search).get('token');
const linkPage = location.pathname;
if (linkToken !== null) history.replaceState(null, '', '/');

resetForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const newPassword = String(new FormData(resetForm).get('newPassword'));
  void run(async () => {
    await api.resetPassword(linkToken ?? '', newPassword);
    resetForm.reset();
    setState(
      'login',
      'Your password was changed and every session signed out. Log in with the new password.',
    );
  });
});

/** Spends a link's token, then shows where the user stands, with what happened (or why the link failed). */
async function followLink(spend: (token: string) => Promise<boolean>, done: string): Promise<void> {
  let message = done;
  try {
    await spend(linkToken ?? '');
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  await refreshView(message);
}

setState('loading');
if (linkToken !== null && linkPage === '/reset-password') {
  setState('reset');
} else if (linkToken !== null && linkPage === '/verify-email') {
  void run(() => followLink(api.verifyEmail, 'Your email address is verified.'));
} else if (linkToken !== null && linkPage === '/confirm-email') {
  void run(() => followLink(api.confirmEmailChange, 'Your new email address is confirmed.'));
} else {
  void run(() => refreshView());
}
