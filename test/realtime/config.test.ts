import { ConfigError, loadConfig } from '../../src/config.js';

/* The WS_* settings: defaults, parsing, and bounds that name the variable (README "Configuration"). */

describe('live GraphQL settings', () => {
  it('have defaults', () => {
    expect(loadConfig({}).live).toEqual({
      connectionInitTimeoutSec: 10,
      maxSocketsPerSession: 10,
      maxSocketsPerIp: 200,
      maxMessageBytes: 65536,
      maxSubscriptionsPerSocket: 20,
      maxSubscribesPerMinute: 60,
      maxBufferedBytes: 1048576,
    });
  });

  it('are read from the environment', () => {
    const live = loadConfig({
      WS_CONNECTION_INIT_TIMEOUT: '5s',
      WS_MAX_SOCKETS_PER_SESSION: '3',
      WS_MAX_SOCKETS_PER_IP: '50',
      WS_MAX_MESSAGE_BYTES: '4096',
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '4',
      WS_MAX_SUBSCRIBES_PER_MINUTE: '10',
      WS_MAX_BUFFERED_BYTES: '65536',
    }).live;
    expect(live).toEqual({
      connectionInitTimeoutSec: 5,
      maxSocketsPerSession: 3,
      maxSocketsPerIp: 50,
      maxMessageBytes: 4096,
      maxSubscriptionsPerSocket: 4,
      maxSubscribesPerMinute: 10,
      maxBufferedBytes: 65536,
    });
  });

  it.each([
    ['WS_CONNECTION_INIT_TIMEOUT', '2m'],
    ['WS_CONNECTION_INIT_TIMEOUT', '0s'],
    ['WS_MAX_SOCKETS_PER_SESSION', '0'],
    ['WS_MAX_SOCKETS_PER_IP', 'many'],
    ['WS_MAX_MESSAGE_BYTES', '100'],
    ['WS_MAX_MESSAGE_BYTES', String(2 * 1024 * 1024)],
    ['WS_MAX_SUBSCRIPTIONS_PER_SOCKET', '1001'],
    ['WS_MAX_SUBSCRIBES_PER_MINUTE', '-1'],
    ['WS_MAX_BUFFERED_BYTES', '1024'],
  ])('refuse %s=%s with an error naming it', (name, value) => {
    expect.assertions(2);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(new RegExp(`^${name}: `));
    }
  });
});
