import { classifySendFailure } from '../../../src/mail/send-failure.js';

describe('classifySendFailure', () => {
  it('keeps the transport code and the SMTP reply code, never the message', () => {
    const error = Object.assign(new Error('Invalid login: 535 user alice@example.com rejected'), {
      code: 'EAUTH',
      responseCode: 535,
    });
    expect(classifySendFailure(error)).toEqual({ errorClass: 'EAUTH 535', permanent: false });
  });

  it('treats a 5xx to the envelope or the data as permanent (retrying cannot help)', () => {
    expect(
      classifySendFailure(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 550 })),
    ).toEqual({
      errorClass: 'EENVELOPE 550',
      permanent: true,
    });
    expect(
      classifySendFailure(Object.assign(new Error('x'), { code: 'EMESSAGE', responseCode: 552 })).permanent,
    ).toBe(true);
  });

  it('retries a 4xx (try again later) and connection failures', () => {
    expect(
      classifySendFailure(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451 })).permanent,
    ).toBe(false);
    expect(classifySendFailure(Object.assign(new Error('x'), { code: 'ESOCKET' }))).toEqual({
      errorClass: 'ESOCKET',
      permanent: false,
    });
  });

  it('falls back to the error name, and refuses anything that is not a plain identifier', () => {
    expect(classifySendFailure(new TypeError('x')).errorClass).toBe('TypeError');
    expect(classifySendFailure({ code: 'user alice@example.com', name: 'a b' }).errorClass).toBe('Error');
    expect(classifySendFailure('boom').errorClass).toBe('Error');
  });
});
