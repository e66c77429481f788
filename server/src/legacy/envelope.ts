/** The `{res, err, data}` body every legacy client parses (CONTRACT.md §2). */
export interface Envelope {
  res: 0 | 1;
  err: string;
  data: unknown;
}

export const success = (data: unknown): Envelope => ({ res: 1, err: '', data: data ?? '' });
export const failure = (err: string): Envelope => ({ res: 0, err, data: '' });
