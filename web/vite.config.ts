// The build of Tessera's pages: one bundle, served by the web process (no CDN, no inline script).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Cytoscape is most of the bundle; one chunk keeps the page a single request.
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8004" },
  },
});
