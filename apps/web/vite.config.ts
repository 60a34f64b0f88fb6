import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The server owns /api and /metrics; in development the Vite server forwards them so the browser
// talks to one origin, exactly as it does in production where the server serves the built SPA.
const apiServer = 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      // ws: the live-update WebSocket lives under /api/v1/ws.
      '/api': { target: apiServer, ws: true },
      '/metrics': apiServer,
    },
  },
  build: {
    outDir: 'dist',
  },
  test: {
    name: 'web',
    environment: 'happy-dom',
    include: ['src/**/*.spec.tsx', 'src/**/*.spec.ts'],
  },
});
