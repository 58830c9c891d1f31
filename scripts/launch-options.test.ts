import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLaunchOptions } from './launch-options';

describe('npm start options', () => {
  it('gives a newcomer the demo shop, the browser tier port and .data in the project', () => {
    expect(parseLaunchOptions([], {}, '/repo')).toEqual({
      browser: false,
      port: 4320,
      shopUrl: null,
      shopPort: 4310,
      dataDir: join('/repo', '.data'),
      help: false,
    });
  });

  it('reads every flag, and the data folder from the environment when no flag names one', () => {
    const args = [
      '--browser',
      '--port',
      '0',
      '--shop-port',
      '4999',
      '--shop-url',
      'https://shop.example/concierge/',
      '--data-dir',
      '/tmp/d',
    ];
    expect(parseLaunchOptions(args, {}, '/repo')).toEqual({
      browser: true,
      port: 0,
      // The address keeps the API's prefix (a platform plugin's), without the trailing slash.
      shopUrl: 'https://shop.example/concierge',
      shopPort: 4999,
      dataDir: '/tmp/d',
      help: false,
    });
    expect(parseLaunchOptions([], { CONCIERGE_DATA_DIR: '/var/concierge' }, '/repo').dataDir).toBe('/var/concierge');
  });

  it('refuses what it cannot use, with the flag in the message', () => {
    expect(() => parseLaunchOptions(['--port', 'x'], {}, '/repo')).toThrow('--port must be a port number');
    expect(() => parseLaunchOptions(['--shop-port', '70000'], {}, '/repo')).toThrow('--shop-port');
    expect(() => parseLaunchOptions(['--shop-url', 'file:///etc'], {}, '/repo')).toThrow(
      '--shop-url must be an http(s) address',
    );
    expect(() => parseLaunchOptions(['--bogus'], {}, '/repo')).toThrow();
  });
});
