import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'formula',
    environment: 'node',
    include: ['src/**/*.spec.ts'],
  },
});
