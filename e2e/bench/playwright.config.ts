import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The cold-load benchmark: same server and Chromium as the e2e suite, one
// desktop project, one worker (so runs do not compete), no time limit per test.
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'cold-load.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 0,
  reporter: [['list']],
  projects: [base.projects![0]],
});
