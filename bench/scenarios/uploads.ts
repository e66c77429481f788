import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { ServerProcess } from '../processes.js';

export interface UploadMemory {
  readonly uploads: number;
  readonly megabytes: number;
  readonly seconds: number;
  readonly baselineRss: number;
  readonly peakRss: number;
  readonly failures: number;
}

const chunk = randomBytes(64 * 1024);

/** A multipart form with the login fields and one PDF-looking file part, generated as it is sent. */
function uploadForm(fields: Record<string, string>, bytes: number) {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join(
        '',
      )}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deliverable.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n%PDF-1.7\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileRest = bytes - '%PDF-1.7\n'.length;
  function* parts() {
    yield head;
    for (let sent = 0; sent < fileRest; sent += chunk.length)
      yield chunk.subarray(0, Math.min(chunk.length, fileRest - sent));
    yield tail;
  }
  return {
    body: Readable.from(parts(), { objectMode: false }),
    length: head.length + fileRest + tail.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function upload(server: ServerProcess, fields: Record<string, string>, bytes: number): Promise<boolean> {
  const form = uploadForm(fields, bytes);
  return new Promise((resolve) => {
    const req = request(
      `${server.url}/user/api/file_upload`,
      { method: 'POST', headers: { 'content-type': form.contentType, 'content-length': form.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part) => {
          text += part;
        });
        res.on('end', () => {
          try {
            resolve(res.statusCode === 200 && (JSON.parse(text) as { res: number }).res === 1);
          } catch {
            resolve(false);
          }
        });
      },
    );
    req.on('error', () => resolve(false));
    form.body.pipe(req);
  });
}

/** 20 members upload 40 MB each at once; the server's RSS is sampled every 5 ms meanwhile. */
export async function uploadMemory(
  service: ServerProcess,
  member: { userId: number; token: string },
  options: { uploads?: number; megabytes?: number } = {},
): Promise<UploadMemory> {
  const uploads = options.uploads ?? 20;
  const megabytes = options.megabytes ?? 40;
  const fields = { user_id_check: String(member.userId), token_check: member.token };
  // One small upload first, so lazily loaded code is not counted as upload memory.
  await upload(service, fields, 64 * 1024);
  const baselineRss = await service.watchRss();
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: uploads }, () => upload(service, fields, megabytes * 1024 * 1024)),
  );
  const seconds = (performance.now() - started) / 1000;
  const peakRss = await service.peakRss();
  return { uploads, megabytes, seconds, baselineRss, peakRss, failures: results.filter((ok) => !ok).length };
}
