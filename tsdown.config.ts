import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'vitest/index': 'src/vitest/index.ts',
    // Its own entry, so the plugin can point setupFiles at dist/vitest/setup.mjs beside itself.
    'vitest/setup': 'src/vitest/setup.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: false,
})
