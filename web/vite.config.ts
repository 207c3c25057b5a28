import { defineConfig } from 'vite'

// The portal's build: web/build/portal, which the Go package web embeds.
// Hashed names under assets/ are served as immutable; index.html as no-cache.
// `npm run dev` serves the app with live reload and sends the API, sign-in
// and /config.json to a running `openlot serve` (OPENLOT_URL, default
// http://127.0.0.1:8080).
const backend = process.env.OPENLOT_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  build: {
    outDir: 'build/portal',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    assetsInlineLimit: 0,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for server components; a browser bundle has no use for it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return
        warn(warning)
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/oauth2', '/.well-known', '/config.json', '/openapi.json', '/blobs', '/mail'].map((p) => [p, backend]),
    ),
  },
})
