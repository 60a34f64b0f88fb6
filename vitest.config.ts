import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: two test files at a time.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'contracts',
          include: ['packages/contracts/src/**/*.spec.ts'],
        },
      },
      {
        // Nest needs TypeScript's legacy decorators (parameter decorators) in tests as in builds.
        oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
        test: {
          name: 'server',
          include: ['apps/server/src/**/*.spec.ts', 'apps/server/test/**/*.spec.ts'],
          globalSetup: ['apps/server/test/global-setup.ts'],
          // Files start real databases and server processes: give them room.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'simulator',
          include: ['apps/simulator/src/**/*.spec.ts'],
        },
      },
      'apps/web/vite.config.ts',
      {
        // The built server, simulator and web app in headless Chromium (`npm run build` first).
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
