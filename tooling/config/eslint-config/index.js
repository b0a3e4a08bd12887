// Shared flat config. `gossipConfig({ portable: true })` forbids Node built-ins, for packages that must run
// anywhere and be driven by a simulator (@gossip/wire, @gossip/core).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [
  ...builtinModules.filter((m) => !m.startsWith('_')),
  ...builtinModules.filter((m) => !m.startsWith('_')).map((m) => `node:${m}`),
];

/**
 * Builds the ESLint flat config for one package.
 * @param {{ tsconfigRootDir: string, portable?: boolean }} options
 */
export function gossipConfig({ tsconfigRootDir, portable = false }) {
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      },
    },
    {
      files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
      rules: {
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        '@typescript-eslint/require-await': 'off',
      },
    },
    portable
      ? {
          files: ['src/**/*.ts'],
          ignores: ['src/**/*.test.ts'],
          rules: {
            'no-restricted-imports': [
              'error',
              {
                paths: nodeBuiltins.map((name) => ({
                  name,
                  message: 'This package is portable: time, randomness and I/O come in through interfaces.',
                })),
              },
            ],
            'no-restricted-globals': [
              'error',
              { name: 'setTimeout', message: 'Use the injected Clock.' },
              { name: 'setInterval', message: 'Use the injected Clock.' },
              { name: 'clearTimeout', message: 'Use the injected Clock.' },
              { name: 'setImmediate', message: 'Use the injected Clock.' },
              { name: 'performance', message: 'Use the injected Clock.' },
              { name: 'process', message: 'Portable packages do not touch the process.' },
              { name: 'Buffer', message: 'Use Uint8Array.' },
            ],
            'no-restricted-properties': [
              'error',
              { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
              { object: 'Math', property: 'random', message: 'Use the injected Random.' },
            ],
          },
        }
      : {},
  );
}
