import { redactSchemaDetails } from '../../../src/graphql/hide-schema-details.js';

describe('redactSchemaDetails', () => {
  const known = new Set(['login', 'me', 'mee', 't', 'Transport']);

  it.each([
    [
      'Field "login" argument "password" of type "String!" is required, but it was not provided.',
      'Field "login" argument "?" of type "?" is required, but it was not provided.',
    ],
    ['Cannot query field "mee" on type "Query". Did you mean "me"?', 'Cannot query field "mee" on type "?".'],
    [
      'Variable "$t" got invalid value "COOKIX"; Value "COOKIX" does not exist in "Transport" enum. Did you mean the enum value "COOKIE"?',
      'Variable "$t" got invalid value "?"; Value "?" does not exist in "Transport" enum.',
    ],
    ['Unknown argument "x" on field "Query.me".', 'Unknown argument "?" on field "?".'],
    [
      'Subscription operations are not supported over HTTP',
      'Subscription operations are not supported over HTTP',
    ],
  ])('%s', (message, redacted) => {
    expect(redactSchemaDetails(message, known)).toBe(redacted);
  });
});
