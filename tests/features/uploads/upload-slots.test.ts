import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/src/errors.js';
import { UploadSlots } from '../../../server/src/http/upload-slots.js';

/** An upload that ends when the test says so. */
function pending() {
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { run: () => done, finish, fail };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ran',
    (error: unknown) => (error instanceof AppError ? error.appCode : String(error)),
  );

describe('upload slots per client', () => {
  it('refuses the upload past the cap at once, without running it, and takes it once a slot is back', async () => {
    const slots = new UploadSlots(2);
    const [first, second] = [pending(), pending()];
    const held = [slots.hold('10.0.0.1', first.run), slots.hold('10.0.0.1', second.run)];
    let ran = false;
    const third = slots.hold('10.0.0.1', async () => {
      ran = true;
    });
    expect(await refusal(third)).toBe('UPLOAD_TOO_MANY_AT_ONCE');
    expect(ran).toBe(false);
    // Another client has slots of its own.
    expect(await refusal(slots.hold('10.0.0.2', async () => undefined))).toBe('ran');

    first.finish();
    await held[0];
    expect(await refusal(slots.hold('10.0.0.1', async () => undefined))).toBe('ran');
    second.finish();
    await held[1];
    expect(slots.heldBy('10.0.0.1')).toBe(0);
  });

  it('gives the slot back when the upload fails, and answers with its failure', async () => {
    const slots = new UploadSlots(1);
    const failing = pending();
    const held = slots.hold('10.0.0.1', failing.run);
    expect(slots.heldBy('10.0.0.1')).toBe(1);
    failing.fail(new Error('client went away'));
    await expect(held).rejects.toThrow('client went away');
    expect(slots.heldBy('10.0.0.1')).toBe(0);
    // A refused upload takes no slot: one refusal does not leave the client short of one.
    const next = pending();
    const taken = slots.hold('10.0.0.1', next.run);
    expect(await refusal(slots.hold('10.0.0.1', async () => undefined))).toBe('UPLOAD_TOO_MANY_AT_ONCE');
    next.finish();
    await taken;
    expect(slots.heldBy('10.0.0.1')).toBe(0);
  });

  it('takes a slot for a door to give back itself, once however often it is given back', () => {
    const slots = new UploadSlots(2);
    const giveBack = slots.take('10.0.0.1');
    const other = slots.take('10.0.0.1');
    expect(() => slots.take('10.0.0.1')).toThrow(
      expect.objectContaining({ appCode: 'UPLOAD_TOO_MANY_AT_ONCE' }),
    );
    // A door may give it back on every way out: the second call must not free the other upload's slot.
    giveBack();
    giveBack();
    expect(slots.heldBy('10.0.0.1')).toBe(1);
    other();
    expect(slots.heldBy('10.0.0.1')).toBe(0);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one as its IPv4 address, as per-IP limits do', async () => {
    const slots = new UploadSlots(2);
    const [a, b] = [pending(), pending()];
    const held = [slots.hold('2001:db8:1:2::a', a.run), slots.hold('2001:db8:1:2:ffff::b', b.run)];
    expect(await refusal(slots.hold('2001:db8:1:2::c', async () => undefined))).toBe(
      'UPLOAD_TOO_MANY_AT_ONCE',
    );
    expect(await refusal(slots.hold('2001:db8:1:3::a', async () => undefined))).toBe('ran');

    const v4 = pending();
    const mapped = slots.hold('::ffff:192.0.2.7', v4.run);
    expect(slots.heldBy('192.0.2.7')).toBe(1);
    for (const upload of [a, b, v4]) upload.finish();
    await Promise.all([...held, mapped]);
    expect([slots.heldBy('2001:db8:1:2::a'), slots.heldBy('192.0.2.7')]).toEqual([0, 0]);
  });
});
