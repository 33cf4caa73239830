import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds dist/ first when src/ is newer: many tests run dist/cli/main.js.
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // Whatever the machine's locale: the human views' expected text is UTF-8 (tests of LANG=C set it themselves).
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '' },
  },
});
