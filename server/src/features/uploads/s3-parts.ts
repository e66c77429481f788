import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/**
 * Sends a stream of unknown length as one object through a single part buffer, which the caller
 * owns and may reuse once this returns: one PUT when the stream fits in it, else a multipart upload
 * of full buffers and a shorter last part, aborted when anything fails (the object never appears).
 *
 * Written here rather than with lib-storage's `Upload`, whose chunker concatenates each part from
 * the stream's pieces and keeps the previous part's memory alive through the remainder it slices
 * off: with one part in flight it held ~15 MB an upload, and 4 uploads at once grew the process by
 * ~130 MB of buffers. The stream is read only while the buffer has room, so a client sending
 * faster than the store takes it is held back by TCP.
 */
export async function putInParts(
  client: S3Client,
  object: { readonly Bucket: string; readonly Key: string },
  body: Readable,
  buffer: Buffer,
): Promise<void> {
  let filled = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];

  const sendPart = async (data: Buffer) => {
    if (uploadId === undefined) {
      const started = await client.send(new CreateMultipartUploadCommand(object));
      if (!started.UploadId) throw new Error(`CreateMultipartUpload of ${object.Key} answered no UploadId`);
      uploadId = started.UploadId;
    }
    const PartNumber = parts.length + 1;
    const sent = await client.send(
      new UploadPartCommand({ ...object, UploadId: uploadId, PartNumber, Body: data }),
    );
    parts.push({ ETag: sent.ETag, PartNumber });
  };

  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; ) {
        // A full buffer goes only once more bytes follow it: the last part is never empty, and a
        // file of exactly one buffer is a single PUT.
        if (filled === buffer.length) {
          await sendPart(buffer);
          filled = 0;
        }
        const copied = chunk.copy(buffer, filled, offset);
        filled += copied;
        offset += copied;
      }
    }
    const last = buffer.subarray(0, filled);
    if (uploadId === undefined) {
      await client.send(new PutObjectCommand({ ...object, Body: last }));
      return;
    }
    await sendPart(last);
    await client.send(
      new CompleteMultipartUploadCommand({
        ...object,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // The parts sent so far are dropped; a failed abort leaves them to the bucket's lifecycle rule.
    if (uploadId !== undefined) {
      await client
        .send(new AbortMultipartUploadCommand({ ...object, UploadId: uploadId }))
        .catch(() => undefined);
    }
    throw error;
  }
}
