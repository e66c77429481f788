import type { Context } from '../trpc/context.js';
import { drain, type MultipartFilePart } from './body.js';
import type { LegacyFileReceiver } from './route.js';

/**
 * One request's file parts for a route's receiver: hands the first part of the receiver's field
 * over, drains the rest, keeps a refusal until the form is read (so the stream is consumed and the
 * answer is the refusal, not a broken connection), and discards what was kept if the request fails.
 */
export function fileIntake(receiver: LegacyFileReceiver, context: Context) {
  const kept: unknown[] = [];
  let refusal: { error: unknown } | undefined;
  let taken = false;
  return {
    onFile: async (part: MultipartFilePart): Promise<unknown> => {
      if (part.fieldname !== receiver.field || taken) return drain(part.file);
      taken = true;
      try {
        const received = await receiver.receive(part, context);
        kept.push(received);
        return received;
      } catch (error) {
        refusal = { error };
        // Usually drained already by the receiver; an error here only means there is nothing left.
        return drain(part.file).catch(() => undefined);
      }
    },
    /** Why the receiver refused a file, if it did. It explains the request's failure best. */
    get refusal(): { error: unknown } | undefined {
      return refusal;
    },
    async discardAll(): Promise<void> {
      await Promise.allSettled(kept.splice(0).map((received) => receiver.discard(received, context)));
    },
  };
}
