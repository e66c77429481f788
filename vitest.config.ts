import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The console's modules import the SDK by its package name, as console/tsconfig.json maps it.
  resolve: {
    alias: {
      '@marketplace/client-sdk': fileURLToPath(new URL('client-sdk/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for something another party does (a browser's refetch, a worker's
    // retry); its 1 s default is shorter than one page load on a busy two-core CI machine.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: two workers keep MySQL and argon2 from starving each other.
    maxWorkers: 2,
    // A worker keeps the modules it loaded from one test file to the next. Loading the server's
    // modules afresh for each file cost ~1.4 s a file, a third of the suite's time. Every test
    // starts its own app and stores, and no module is mocked: a spy on a shared object
    // (vi.spyOn) must be restored by the test that made it.
    isolate: false,
  },
});
