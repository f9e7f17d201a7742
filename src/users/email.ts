import { domainToASCII, domainToUnicode } from 'node:url';

/** RFC 5321 caps a path at 256 octets, leaving 254 for the address. */
const MAX_EMAIL_LENGTH = 254;
/** RFC 1035: 253 octets for a name, 63 for a label (in the ASCII form a DNS query uses). */
const MAX_DOMAIN_LENGTH = 253;
// Deliberately loose: one @, no spaces, a dot in the domain. The mailbox is proved by use, not by a regex.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Characters that show as nothing or as a blank, or reorder what is shown (controls, format characters such as
 * zero-width spaces and bidi overrides, separators, default-ignorables, unassigned and private-use code points):
 * an address holding one looks exactly like the address without it (UTS #39 §3.1).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}\p{Z}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** A host name's characters before IDNA processing; anything else (%, /, :, [) means another kind of host. */
const DOMAIN_CHARACTERS = /^[\p{L}\p{M}\p{N}.-]+$/u;
const ASCII_ONLY = /^[\x20-\x7e]*$/;
const A_LABEL = /(?:^|\.)xn--/;

/**
 * The scripts UAX #31 recommends for identifiers (Table 5). A letter from any other script (historic, limited-use)
 * is refused: those are where look-alikes of common letters hide, and no one needs them in an address.
 */
// prettier-ignore
const RECOMMENDED_SCRIPTS = [
  'Arabic', 'Armenian', 'Bengali', 'Bopomofo', 'Cyrillic', 'Devanagari', 'Ethiopic', 'Georgian', 'Greek',
  'Gujarati', 'Gurmukhi', 'Han', 'Hangul', 'Hebrew', 'Hiragana', 'Kannada', 'Katakana', 'Khmer', 'Lao', 'Latin',
  'Malayalam', 'Myanmar', 'Oriya', 'Sinhala', 'Tamil', 'Telugu', 'Thaana', 'Thai', 'Tibetan',
] as const;
const SCRIPT_OF = RECOMMENDED_SCRIPTS.map(
  (name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const,
);
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/**
 * UTS #39 "highly restrictive": one script, or one of the combinations a language writes in (Japanese, Chinese
 * with Bopomofo, Korean), each with Latin.
 */
const ALLOWED_MIXES: readonly ReadonlySet<string>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/**
 * Cyrillic letters that look like Latin ones (Chromium's IDN spoof checker): a label made only of them reads as a
 * Latin word, e.g. "аре" for "ape", so it is refused although it is a single script.
 */
const LATIN_ALIKE_CYRILLIC = /^[асԁеһіјӏорԗԛѕԝхуъьҽпгѵѡ]$/u;

/**
 * The form an email is stored and looked up in: trimmed, NFKC-normalised and lower-cased (so fullwidth letters,
 * compatibility characters such as the Kelvin sign and NFD/NFC spellings are one address), with an internationalised
 * domain in its UTS #46 Unicode form (so `bücher.example` and `xn--bcher-kva.example` are one account).
 * Invisible characters are kept, not removed: `emailProblem` refuses them, and a look-up finds nothing.
 */
export function normalizeEmail(email: string): string {
  // toLowerCase can leave a string that is not NFKC (İ → i + U+0307), hence the second pass.
  const folded = email.normalize('NFKC').toLowerCase().normalize('NFKC').trim();
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  return `${folded.slice(0, at)}@${unicodeDomain(folded.slice(at + 1))}`;
}

/** The problem with an email in words, or null when it is acceptable (expects a normalised email). */
export function emailProblem(email: string): string | null {
  if (email.length > MAX_EMAIL_LENGTH) return `Email must be at most ${MAX_EMAIL_LENGTH} characters`;
  if (INVISIBLE.test(email)) return 'Email must not contain invisible or control characters';
  if (!EMAIL_SHAPE.test(email)) return 'Email is not a valid address';
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!isHostName(domain)) return 'Email is not a valid address';
  if (!readsAsOneScript(local) || !domain.split('.').every(readsAsOneScript)) {
    return 'Email must not mix look-alike letters from different scripts';
  }
  return null;
}

/** A domain in its UTS #46 Unicode form; left as it is when it is plain ASCII or cannot be a host name. */
function unicodeDomain(domain: string): string {
  // Plain ASCII names are kept byte for byte (as stored before IDNA processing existed). The WHATWG host parser
  // behind domainToASCII would also percent-decode and read IPv4 numbers, so only host-name characters go to it.
  if ((ASCII_ONLY.test(domain) && !A_LABEL.test(domain)) || !DOMAIN_CHARACTERS.test(domain)) return domain;
  const ascii = domainToASCII(domain);
  return ascii ? domainToUnicode(ascii) : domain;
}

/** A DNS host name in canonical form: valid UTS #46, letters-digits-hyphen labels, a TLD that is not a number. */
function isHostName(domain: string): boolean {
  if (!DOMAIN_CHARACTERS.test(domain)) return false;
  const ascii = domainToASCII(domain);
  if (!ascii || ascii.length > MAX_DOMAIN_LENGTH || domainToUnicode(ascii) !== domain) return false;
  const labels = ascii.split('.');
  return labels.every((label) => LDH_LABEL.test(label)) && !/^[0-9]+$/.test(labels.at(-1)!);
}

/** Whether a label (or local part) keeps to one script, or an allowed mix, and does not fake Latin with Cyrillic. */
function readsAsOneScript(text: string): boolean {
  const scripts = new Set<string>();
  let latinAlike = true;
  for (const char of text) {
    if (NEUTRAL.test(char)) continue; // digits, punctuation, combining marks take their neighbours' script
    const script = SCRIPT_OF.find(([, pattern]) => pattern.test(char))?.[0];
    if (!script) return false;
    scripts.add(script);
    latinAlike &&= LATIN_ALIKE_CYRILLIC.test(char);
  }
  if (scripts.size > 1) return ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)));
  return !(scripts.has('Cyrillic') && latinAlike);
}
