import { describe, expect, it } from 'vitest';
import type { ConsoleBridge } from '../../../shared/ipc/contract';
import { createFakeBridge, deferred, refusal } from '../test/fake-bridge';
import { stores } from '../test/fixtures';
import { call } from './call';
import { BridgeError } from './errors';
import { argsOnly } from './index';

describe('call', () => {
  it('returns the value, throws a BridgeError for a refusal, and passes the signal to the bridge', async () => {
    const fake = createFakeBridge({
      'shop.stores': () => stores,
      'shop.customer': () => {
        throw refusal('customer_not_found');
      },
    });
    const controller = new AbortController();
    expect(await call(fake.bridge, 'shop.stores', {}, { signal: controller.signal })).toEqual(stores);
    expect(fake.calls[0]?.signal).toBe(controller.signal);
    await expect(call(fake.bridge, 'shop.customer', { id: 'cus_1' })).rejects.toBeInstanceOf(BridgeError);
  });

  it('stops waiting when the signal aborts, even if the bridge itself cannot cancel', async () => {
    const never = deferred<typeof stores>();
    const fake = createFakeBridge({ 'shop.stores': () => never.promise });
    const controller = new AbortController();
    const pending = call(fake.bridge, 'shop.stores', {}, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(call(fake.bridge, 'shop.stores', {}, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(fake.callsTo('shop.stores')).toHaveLength(1);
  });
});

describe('the Electron bridge adapter', () => {
  it('hands the preload the arguments only (an AbortSignal cannot cross the context bridge)', async () => {
    const fake = createFakeBridge({ 'shop.stores': () => stores });
    const received: unknown[][] = [];
    const preload = {
      ...fake.bridge,
      'shop.stores': (...a: unknown[]) => {
        received.push(a);
        return fake.bridge['shop.stores']({});
      },
    } as unknown as ConsoleBridge;
    const bridge = argsOnly(preload);
    expect(await call(bridge, 'shop.stores', {}, { signal: new AbortController().signal })).toEqual(stores);
    expect(received).toEqual([[{}]]);
    let seen = 0;
    const off = bridge.on('sessions.changed', () => {
      seen += 1;
    });
    fake.emit('sessions.changed', []);
    off();
    fake.emit('sessions.changed', []);
    expect(seen).toBe(1);
  });
});
