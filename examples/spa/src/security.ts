import { GatehouseError } from './api.js';
import type { Factors, FactorStatus } from './factors.js';
import { qrCanvas } from './qr.js';

/** What the Security part of the account view shows; `data-state` on #security, for tests and CSS. */
type SecurityState = 'off' | 'reauth' | 'enrolling' | 'codes' | 'on';

const PANELS: Record<SecurityState, string> = {
  off: 'totp-off',
  reauth: 'reauth-form',
  enrolling: 'totp-enrolling',
  codes: 'recovery-codes-shown',
  on: 'totp-on',
};

/**
 * The Security section: turn TOTP on (QR code and secret, then a first code), see the 10 recovery codes once, see
 * how many are left, get new ones, turn TOTP off with a code. The server decides whether the login is fresh enough
 * (`@auth(fresh: 600)`): an action it refuses with REAUTHENTICATION_REQUIRED asks for the password, calls
 * `reauthenticate`, and runs again.
 */
export function createSecurity(options: {
  readonly factors: Factors;
  readonly byId: <T extends HTMLElement>(id: string) => T;
  /** main.ts's runner: disables the buttons meanwhile, shows errors, sends a logged-out user to the login form. */
  readonly run: (action: () => Promise<void>) => Promise<void>;
}) {
  const { factors, byId, run } = options;
  const section = byId<HTMLElement>('security');
  const reauthForm = byId<HTMLFormElement>('reauth-form');
  const confirmForm = byId<HTMLFormElement>('totp-confirm-form');
  const disableForm = byId<HTMLFormElement>('totp-disable-form');
  /** The action waiting for the password; null when none is. */
  let awaitingReauth: (() => Promise<void>) | null = null;

  function show(state: SecurityState): void {
    section.dataset.state = state;
    for (const [panel, id] of Object.entries(PANELS)) byId(id).hidden = panel !== state;
  }

  function render(status: FactorStatus): void {
    byId('recovery-remaining').textContent = String(status.recoveryCodesRemaining);
    show(status.totp ? 'on' : 'off');
  }

  async function refresh(): Promise<void> {
    render(await factors.status());
  }

  /** Shows freshly issued recovery codes: the only time the server hands them out. */
  function showCodes(codes: string[]): void {
    byId('recovery-codes').replaceChildren(
      ...codes.map((code) => {
        const item = document.createElement('li');
        item.textContent = code;
        return item;
      }),
    );
    show('codes');
  }

  /** Runs `action`; when the login is too old for it, asks for the password first and runs it again after. */
  function withFreshLogin(action: () => Promise<void>): () => Promise<void> {
    return async () => {
      try {
        await action();
      } catch (error) {
        if (!(error instanceof GatehouseError && error.code === 'REAUTHENTICATION_REQUIRED')) throw error;
        awaitingReauth = action;
        show('reauth');
      }
    };
  }

  byId('totp-enable').addEventListener('click', () =>
    run(
      withFreshLogin(async () => {
        const { secret, otpauthUrl } = await factors.startTotp();
        byId('totp-secret').textContent = secret;
        const qr = byId('totp-qr');
        qr.replaceChildren();
        show('enrolling');
        try {
          qr.replaceChildren(await qrCanvas(otpauthUrl));
        } catch {
          qr.textContent = 'The QR code could not be drawn: type the secret in instead.';
        }
      }),
    ),
  );

  reauthForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const password = String(new FormData(reauthForm).get('password'));
    void run(async () => {
      await factors.reauthenticate(password);
      reauthForm.reset();
      const action = awaitingReauth;
      awaitingReauth = null;
      if (action) await action();
      else await refresh();
    });
  });

  byId('reauth-cancel').addEventListener('click', () => {
    awaitingReauth = null;
    reauthForm.reset();
    void run(refresh);
  });

  confirmForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = String(new FormData(confirmForm).get('code')).trim();
    void run(async () => {
      const codes = await factors.confirmTotp(code);
      confirmForm.reset();
      byId('totp-secret').textContent = ''; // the app has it now; the page forgets it
      byId('totp-qr').replaceChildren();
      showCodes(codes);
    });
  });

  byId('totp-cancel').addEventListener('click', () => {
    confirmForm.reset();
    byId('totp-secret').textContent = '';
    byId('totp-qr').replaceChildren();
    void run(refresh);
  });

  byId('recovery-codes-stored').addEventListener('click', () => {
    byId('recovery-codes').replaceChildren();
    void run(refresh);
  });

  byId('recovery-regenerate').addEventListener('click', () =>
    run(withFreshLogin(async () => showCodes(await factors.regenerateRecoveryCodes()))),
  );

  disableForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = String(new FormData(disableForm).get('code')).trim();
    void run(
      withFreshLogin(async () => {
        await factors.disableTotp(code);
        disableForm.reset();
        await refresh();
      }),
    );
  });

  return { refresh };
}
