import type { Page } from '@playwright/test';
import * as path from 'node:path';

/** The webview bridge's reference shim, which plays the host app in tests. */
const SHIM = path.resolve(__dirname, '../../public/privacy-center-bridge-shim.js');

/** What the shim is told to answer (see public/privacy-center-bridge-shim.js). */
export type ShimConfig = {
  platform?: 'android' | 'ios';
  states?: Record<string, 'granted' | 'denied' | 'not_asked' | 'restricted'>;
  minorMode?: 'on' | 'off' | 'unknown';
  hold?: boolean;
};

/** Makes every page `page` loads from now on run inside a fake host app: the bridge shim, configured. */
export async function inHostApp(page: Page, config: ShimConfig) {
  await page.addInitScript((c) => {
    (window as unknown as { PrivacyCenterBridgeShimConfig: unknown }).PrivacyCenterBridgeShimConfig = c;
  }, config);
  await page.addInitScript({ path: SHIM });
}
