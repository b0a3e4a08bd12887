// The tsup options every published library shares. A package's tsup.config.ts:
//   export default defineConfig(library);            or   defineConfig({ ...library, entry: [...] })
export const library = Object.freeze({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
