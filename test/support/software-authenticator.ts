import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/*
 * A WebAuthn authenticator in software, for the tests: it answers the options the server hands out the way a
 * browser and a platform authenticator would (W3C WebAuthn Level 3 §6.1 authenticator data, §6.5 attestation
 * objects with the "none" format, §5.8.1 client data), with ES256 keys from node:crypto. Every field a test may
 * want to get wrong (origin, flags, counter, user handle, challenge) can be overridden per ceremony.
 */

type Json = Record<string, unknown>;

/** The JSON of navigator.credentials.create() as @simplewebauthn/browser and PublicKeyCredential.toJSON() give it. */
export interface RegistrationResponse extends Json {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Json;
  authenticatorAttachment: 'platform';
}

/** The JSON of navigator.credentials.get(). */
export interface AuthenticationResponse extends Json {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
  clientExtensionResults: Json;
  authenticatorAttachment: 'platform';
}

/** What a test may change in one ceremony. */
export interface CeremonyOverrides {
  /** The page's origin in clientDataJSON (default: the authenticator's). */
  readonly origin?: string;
  /** The challenge in clientDataJSON (default: the options'). */
  readonly challenge?: string;
  /** User verified (PIN, biometric): default true. */
  readonly userVerified?: boolean;
  /** Signature counter to report (default: the credential's next value). */
  readonly counter?: number;
  /** The credential to use (default: the last one created). */
  readonly credentialId?: string;
  /** userHandle to report; null leaves it out (default: the credential's). */
  readonly userHandle?: string | null;
}

interface StoredCredential {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly rpId: string;
  readonly userHandle: string;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export class SoftwareAuthenticator {
  private readonly credentials: StoredCredential[] = [];

  /**
   * @param options.origin the page the ceremonies run on (what the browser would write into clientDataJSON)
   * @param options.counterStep how much the signature counter grows per use; 0 for an authenticator that keeps
   *   none (synced passkeys report 0 forever)
   * @param options.backedUp report the credential as synced (BE and BS flags)
   */
  constructor(private readonly options: { origin: string; counterStep?: number; backedUp?: boolean }) {}

  /** The ids of the credentials this authenticator holds, oldest first. */
  get credentialIds(): string[] {
    return this.credentials.map((c) => c.id);
  }

  /** Answers PublicKeyCredentialCreationOptionsJSON with a new ES256 credential and a "none" attestation. */
  create(creation: Json, overrides: CeremonyOverrides = {}): RegistrationResponse {
    const rp = creation.rp as { id: string };
    const user = creation.user as { id: string };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = b64url(randomBytes(32));
    const credential: StoredCredential = { id, privateKey, rpId: rp.id, userHandle: user.id, counter: 0 };
    this.credentials.push(credential);
    // RFC 9053 §7.1.1: an EC2 key, ES256, on P-256, with its coordinates.
    const coseKey = cborMap([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const idBytes = Buffer.from(id, 'base64url');
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: none
      Buffer.from([idBytes.length >> 8, idBytes.length & 0xff]),
      idBytes,
      coseKey,
    ]);
    const counter = overrides.counter ?? 0;
    const authData = this.authData(rp.id, overrides, FLAG_AT, counter, attested);
    const attestationObject = cborMap([
      ['fmt', 'none'],
      ['attStmt', cborMap([])],
      ['authData', authData],
    ]);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', creation.challenge as string, overrides),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: { credProps: { rk: true } },
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers PublicKeyCredentialRequestOptionsJSON with an ES256 assertion of a credential it holds. */
  get(request: Json, overrides: CeremonyOverrides = {}): AuthenticationResponse {
    const credential = overrides.credentialId
      ? this.credentials.find((c) => c.id === overrides.credentialId)
      : this.credentials.at(-1);
    if (!credential) throw new Error('this authenticator holds no such credential');
    const step = this.options.counterStep ?? 1;
    const counter = overrides.counter ?? credential.counter + step;
    credential.counter = Math.max(credential.counter, counter);
    const authData = this.authData((request.rpId as string) ?? credential.rpId, overrides, 0, counter);
    const clientDataJSON = this.clientData('webauthn.get', request.challenge as string, overrides);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]),
      {
        key: credential.privateKey,
        dsaEncoding: 'der',
      },
    );
    const userHandle = overrides.userHandle === undefined ? credential.userHandle : overrides.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): string {
    const data = {
      type,
      challenge: overrides.challenge ?? challenge,
      origin: overrides.origin ?? this.options.origin,
      crossOrigin: false,
    };
    return b64url(JSON.stringify(data));
  }

  /** §6.1: rpIdHash (32) | flags (1) | signCount (4, big-endian) | attested credential data. */
  private authData(
    rpId: string,
    overrides: CeremonyOverrides,
    extraFlags: number,
    counter: number,
    attested: Buffer = Buffer.alloc(0),
  ): Buffer {
    let flags = FLAG_UP | extraFlags;
    if (overrides.userVerified ?? true) flags |= FLAG_UV;
    if (this.options.backedUp) flags |= FLAG_BE | FLAG_BS;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, attested]);
  }
}

// The few CBOR (RFC 8949) types attestation objects and COSE keys need: integers, byte and text strings, maps.
type CborValue = number | string | Buffer;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, text.length), text]);
  }
  // A map already encoded (cborMap) is passed through as a Buffer tagged below; plain Buffers are byte strings.
  if (encodedMaps.has(value)) return value;
  return Buffer.concat([cborHead(2, value.length), value]);
}

const encodedMaps = new WeakSet<Buffer>();

function cborMap(entries: [CborValue, CborValue][]): Buffer {
  const encoded = Buffer.concat([
    cborHead(5, entries.length),
    ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)]),
  ]);
  encodedMaps.add(encoded);
  return encoded;
}
