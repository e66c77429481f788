import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const sdk = path.resolve(import.meta.dirname, '../client-sdk/src');

/**
 * The console is served by the service itself at /console/, and talks to /trpc on the same
 * origin. The SDK comes from this repository's sources (not the packed tarball), so the console
 * always compiles against the router it is served with. Each file is also written brotli- and
 * gzip-compressed beside itself (`.br`, `.gz`), which the service sends to browsers that take
 * them: the bundle is compressed once at build, not on every request.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], logLevel: 'silent' })],
  resolve: {
    alias: [
      { find: /^@marketplace\/client-sdk\/react$/, replacement: path.join(sdk, 'react.ts') },
      { find: /^@marketplace\/client-sdk$/, replacement: path.join(sdk, 'index.ts') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/trpc': 'http://localhost:3000', '/uploads': 'http://localhost:3000' } },
});
