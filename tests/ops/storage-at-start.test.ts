import { tmpdir } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { freePort, ServiceInstance } from '../support/instances.js';
import { s3Env } from '../support/s3-server.js';
import { samplePng } from '../support/sample-files.js';

/*
 * An instance started while the object store does not answer serves, its uploads answering 503
 * until the store is back, as a running instance does (README, S3 "is not in /readyz"). It refused
 * to start: a rolling restart during an S3 outage took the instances away one by one, logins and
 * lists with them. A store that answers with a refusal (no such bucket) is configuration, and
 * stops the start, naming the bucket.
 */
describe('the object store at start', () => {
  it('starts and serves while the store does not answer, saying so, and answers uploads 503', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const instance = new ServiceInstance('s3-down', await freePort(), {
      ...s3Env(nobody, 'uploads'),
      S3_TIMEOUT_MS: '1000',
    });
    try {
      await instance.start();
      await expect.poll(() => instance.output).toMatch(/"level":40[^\n]*file storage \(s3\) does not answer/);
      expect((await fetch(`${instance.url}/index/goods/index`, { method: 'POST' })).status).toBe(200);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(samplePng())], { type: 'image/png' }), 'a.png');
      const upload = await fetch(`${instance.url}/index/api/file_upload`, { method: 'POST', body: form });
      expect(upload.status).toBe(503);
    } finally {
      await instance.stop();
    }
  }, 120_000);

  it('refuses to start without credentials to sign with, naming the settings', async () => {
    const env = s3Env(inject('s3Endpoint'), 'uploads');
    const { S3_ACCESS_KEY_ID: _id, S3_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = env;
    // The SDK looks for keys elsewhere too: its environment variables and files, left empty here.
    const noFiles = '/nonexistent-aws-config';
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: noFiles,
      AWS_CONFIG_FILE: noFiles,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_ROLE_ARN'])
      delete process.env[name];
    const storage = await openFileStorage(loadConfig({ DATA_DIR: tmpdir(), ...withoutKeys }).storage);
    try {
      await expect(storage.check()).rejects.toThrow(
        /^S3 credentials: .*: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY$/,
      );
    } finally {
      await storage.close();
      process.env = saved;
    }
  });

  it('refuses a bucket the store says does not exist, naming it', async () => {
    const config = loadConfig({ DATA_DIR: tmpdir(), ...s3Env(inject('s3Endpoint'), 'no-such-bucket-here') });
    const storage = await openFileStorage(config.storage);
    try {
      await expect(storage.check()).rejects.toThrow(
        'bucket "no-such-bucket-here" answered 404 NotFound: UnknownError: no such bucket (create it, or set S3_BUCKET)',
      );
    } finally {
      await storage.close();
    }
  });
});
