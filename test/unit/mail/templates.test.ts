import { escapeHtml } from '../../../src/mail/templates/escape-html.js';
import { renderMail, type MailTemplate } from '../../../src/mail/templates/render.js';

const context = { appUrl: 'https://app.example.com' };
const LINK = 'https://app.example.com/x?token=abc&y=1';

describe('escapeHtml', () => {
  it('escapes the five characters that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
  it('leaves ordinary text alone', () => {
    expect(escapeHtml('alice@example.com — ok')).toBe('alice@example.com — ok');
  });
});

describe('renderMail', () => {
  it.each([
    ['verify-email', { link: LINK }, 'Confirm your email address'],
    ['reset-password', { link: LINK }, 'Reset your password'],
    ['confirm-email-change', { link: LINK, newEmail: 'new@example.com' }, 'Confirm your new email address'],
  ] as const)('%s carries its link in both bodies (escaped in HTML)', (template, params, subject) => {
    const mail = renderMail(template, params, context);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain('href="https://app.example.com/x?token=abc&amp;y=1"');
    expect(mail.html).not.toContain(LINK); // the raw `&` never reaches the HTML
    expect(mail.html.startsWith('<!doctype html>')).toBe(true);
  });

  it.each([
    ['email-change-notice', { newEmail: 'new@example.com' }],
    ['password-reset-notice', {}],
  ] as const)('%s carries no link at all', (template, params) => {
    const mail = renderMail(template, params, context);
    expect(mail.text).not.toMatch(/https?:/);
    expect(mail.html).not.toMatch(/https?:|href/);
  });

  it('registration-attempt points to the app (to reset a forgotten password), with no token', () => {
    const mail = renderMail('registration-attempt', {}, context);
    expect(mail.subject).toBe('Someone tried to register with your email address');
    expect(mail.text).toContain('https://app.example.com');
    expect(mail.text).not.toContain('token');
  });

  it('escapes every parameter in the HTML body, and only there', () => {
    const newEmail = '<script>alert(1)</script>@example.com';
    const mail = renderMail('confirm-email-change', { link: LINK, newEmail }, context);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;@example.com');
    expect(mail.text).toContain(newEmail);
    const notice = renderMail('email-change-notice', { newEmail }, context);
    expect(notice.html).not.toContain('<script>');
  });

  it('escapes a link that tries to leave its attribute', () => {
    const mail = renderMail('verify-email', { link: 'https://x.example/"><script>x</script>' }, context);
    expect(mail.html).not.toContain('"><script>');
  });

  it.each([
    ['verify-email', {}, 'link'],
    ['reset-password', { link: '' }, 'link'],
    ['confirm-email-change', { link: LINK }, 'newEmail'],
    ['email-change-notice', {}, 'newEmail'],
  ] as const)(
    '%s refuses to render without %j (a programming error, not a broken mail)',
    (template, params, name) => {
      expect(() => renderMail(template, params, context)).toThrow(`needs the parameter ${name}`);
    },
  );

  it('refuses an unknown template', () => {
    expect(() => renderMail('nope' as MailTemplate, {}, context)).toThrow('unknown mail template nope');
  });
});
