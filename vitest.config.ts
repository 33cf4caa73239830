import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // Whatever the machine's locale: the human views' expected text is UTF-8 (tests of LANG=C set it themselves).
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '' },
  },
});
