import { createRequest, type User } from './api.js';

export interface Passkey {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/**
 * Passkeys in the browser: the server's options JSON goes through the WebAuthn JSON helpers
 * (PublicKeyCredential.parse*OptionsFromJSON, credential.toJSON()), so no base64url code lives in the page. The
 * API checks the page's origin (WEBAUTHN_ORIGINS) and the relying party (WEBAUTHN_RP_ID), so this page must be
 * served from a host name on the RP's domain (localhost here; an IP address is never a valid RP ID).
 */
export function createPasskeys(url: string) {
  const request = createRequest(url);
  return {
    async list(): Promise<Passkey[]> {
      const data = await request<{ myPasskeys: Passkey[] }>(
        'query MyPasskeys { myPasskeys { id name createdAt lastUsedAt } }',
      );
      return data.myPasskeys;
    },
    /** Creates a passkey on this device (the browser asks for the PIN or biometric) and registers it. */
    async add(name: string): Promise<Passkey> {
      const { passkeyRegistrationOptions: options } = await request<{
        passkeyRegistrationOptions: PublicKeyCredentialCreationOptionsJSON;
      }>('mutation PasskeyRegistrationOptions { passkeyRegistrationOptions }');
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
      const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential | null;
      if (!credential) throw new Error('No passkey was created');
      const data = await request<{ registerPasskey: Passkey }>(
        'mutation RegisterPasskey($r: JSONObject!, $n: String) { registerPasskey(response: $r, name: $n) { id name createdAt lastUsedAt } }',
        { r: credential.toJSON(), n: name },
      );
      return data.registerPasskey;
    },
    /** Signs in with a passkey this device offers (no email asked): the answer sets the session cookie. */
    async signIn(): Promise<User> {
      const { passkeyLoginOptions: options } = await request<{
        passkeyLoginOptions: PublicKeyCredentialRequestOptionsJSON;
      }>('mutation PasskeyLoginOptions { passkeyLoginOptions }');
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
      const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential | null;
      if (!credential) throw new Error('No passkey was chosen');
      const data = await request<{ loginWithPasskey: { user: User } }>(
        'mutation LoginWithPasskey($r: JSONObject!) { loginWithPasskey(response: $r) { user { id email roles } } }',
        { r: credential.toJSON() },
      );
      return data.loginWithPasskey.user;
    },
  };
}
