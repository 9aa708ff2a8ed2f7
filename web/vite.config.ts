import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import tailwindcss from '@tailwindcss/vite';

// `make dev-web`: Vite on :5173 proxies the daemon's paths to `make run`'s daemon on :7777. The Host header is
// kept (localhost:5173), so the daemon sees the page's own origin and names the session cookie by port 5173.
const daemon = process.env.VMO_DAEMON_URL ?? 'http://127.0.0.1:7777';

export default defineConfig({
  plugins: [tailwindcss(), svelte()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: {
      '/ws': { target: daemon, ws: true },
      '/api': { target: daemon },
      '/login': { target: daemon },
    },
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
