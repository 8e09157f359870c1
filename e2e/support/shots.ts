import { expect, type Page, type TestInfo } from '@playwright/test';

/**
 * Keeps a PNG of what the test sees (per project, so desktop and phone both
 * get one) and checks that nothing scrolls sideways.
 */
export async function screenshot(page: Page, info: TestInfo, name: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
  const file = info.outputPath(`${name}-${info.project.name}.png`);
  await page.screenshot({ path: file });
  await info.attach(`${name}-${info.project.name}`, { path: file, contentType: 'image/png' });
}
