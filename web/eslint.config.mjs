// ESLint for every JavaScript file of the project: the web app (browser) and the end-to-end
// tests and benchmarks (Node). Run from the repository root by scripts/lint-js.sh.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'tests/out/**'] },
  js.configs.recommended,
  {
    files: ['web/**/*.js', 'web/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['web/build.mjs', 'tests/**/*.mjs', 'tests/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Functions these files hand to playwright's page.evaluate run in the browser.
    files: ['tests/web.test.mjs', 'tests/lib/browser.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring, callbacks).
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
];
