import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

// `base: './'` keeps every asset URL relative, so the same build loads from Electron's custom
// protocol and from `loupe serve`.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The UI loads from this machine (Electron's app:// or loupe serve on loopback), never over a
    // slow network: one bundle of a megabyte or so is fine, so the web-oriented warning is raised.
    chunkSizeWarningLimit: 2048,
  },
});
