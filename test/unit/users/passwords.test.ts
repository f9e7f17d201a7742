import { passwordProblem } from '../../../src/users/passwords.js';

// NIST SP 800-63B §5.1.1.2: the policy counts the password as it is hashed, i.e. after NFKC normalisation.
describe('passwordProblem', () => {
  it.each([
    ['a fullwidth common password', 'ｐａｓｓｗｏｒｄ１２３', /too common/],
    ['a fullwidth common password in capitals', 'ＰＡＳＳＷＯＲＤ１２３', /too common/],
    ['nine conjoining jamo (three syllables)', '\u1112\u1161\u11ab'.repeat(3), /at least 8/],
    ['a ligature that expands past the maximum', '\ufdfa'.repeat(8), /at most 128/],
    ['a NUL', 'correct horse\u0000battery', /NUL/],
  ])('refuses %s', (_name, password, problem) => {
    expect(passwordProblem(password)).toMatch(problem);
  });

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['eight Hangul syllables', '한국어비밀번호요'],
    ['other control characters', 'tab\there\nnewline'],
  ])('accepts %s', (_name, password) => {
    expect(passwordProblem(password)).toBeNull();
  });
});
