import { defineConfig } from 'vite'

// The portal's build: web/build/portal, which the Go package web embeds.
// Hashed names under assets/ are served as immutable; index.html as no-cache.
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
})
