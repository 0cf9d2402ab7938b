import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'core/generated/', 'data/', 'test-output/', 'bench/results/', 'web/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The core never reaches into the channel adapters (see DESIGN.md).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/bots/**'], message: 'core/ must not import from bots/' }] },
      ],
    },
  },
  {
    // Adapters only translate: no database access in bots/.
    files: ['bots/**/*.ts'],
    ignores: ['bots/**/*.test.ts', 'bots/console/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/generated/prisma/**', '@prisma/*', 'pg', '@electric-sql/*'],
              message: 'bots/ must not touch the database',
            },
          ],
        },
      ],
    },
  },
  {
    // The Command Center's browser scripts: plain ES modules, no build step.
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'fetch',
          'EventSource',
          'URLSearchParams',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['.puppeteerrc.cjs'],
    languageOptions: { globals: { module: 'writable' }, sourceType: 'commonjs' },
  },
);
