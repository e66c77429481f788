/** A file arriving as a stream (a multipart part). `truncated` is set when multipart's own cap cut it. */
export type IncomingStream = NodeJS.ReadableStream & { readonly truncated?: boolean };

/**
 * Reads an incoming file chunk by chunk through one iterator, so the head can be inspected before
 * the rest is passed on.
 */
export class ChunkReader {
  private readonly chunks: AsyncIterator<Buffer | string>;
  private ended = false;

  constructor(private readonly source: IncomingStream) {
    this.chunks = (source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  }

  get truncated(): boolean {
    return this.source.truncated === true;
  }

  async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    const step = await this.chunks.next();
    if (step.done) {
      this.ended = true;
      return undefined;
    }
    return Buffer.isBuffer(step.value) ? step.value : Buffer.from(step.value);
  }

  /** At least `size` bytes from the start (fewer only when the file is shorter). */
  async head(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let length = 0;
    while (length < size) {
      const chunk = await this.next();
      if (!chunk) break;
      parts.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(parts);
  }
}
