import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
          // Files start real databases and server processes: give them room, and two at a time on two cores.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'simulator',
          include: ['apps/simulator/src/**/*.spec.ts'],
        },
      },
      'apps/web/vite.config.ts',
    ],
  },
});
