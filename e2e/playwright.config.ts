import { defineConfig, devices } from '@playwright/test';
import * as path from 'node:path';
import { SUITE_CLOCK_START } from './support/clock';

// The release build, served by the real binary on loopback with a fresh
// SQLite file per run. scripts/test builds both before calling Playwright.
const port = Number(process.env.E2E_PORT ?? 18473);
const repo = path.resolve(__dirname, '..');
// Workers load this file again; they inherit the main process's directory
// through the environment, where tests read it (e.g. to mint tokens).
const dataDir = (process.env.E2E_DATA_DIR ??= path.join(__dirname, '.data', `run-${process.pid}`));
const server = [
  path.join(repo, 'target/release/privacy-center'),
  'serve',
  `--addr 127.0.0.1:${port}`,
  `--data-dir ${dataDir}`,
  `--policies ${path.join(repo, 'policies')}`,
  `--dist ${path.join(repo, 'dist')}`,
  '--dev',
  `--dev-clock-start ${SUITE_CLOCK_START}`,
].join(' ');

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions: chromium } },
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, launchOptions: chromium },
    },
  ],
  webServer: {
    command: server,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
