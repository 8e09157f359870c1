import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/** `/me/data`: the settings history and the two copies of the user's data. */
export class DataPage {
  readonly heading: Locator;
  readonly changes: Locator;
  readonly readableCopy: Locator;
  readonly jsonCopy: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: '我的数据' });
    this.changes = page.locator('main ol.changes > li');
    this.readableCopy = page.getByRole('link', { name: '下载可阅读的副本' });
    this.jsonCopy = page.getByRole('link', { name: '下载 JSON 文件' });
  }

  async goto() {
    await this.page.goto('/me/data');
    await expect(this.heading).toBeVisible();
  }

  /** Clicks a download link; answers the file's name and text. */
  async download(link: Locator): Promise<{ name: string; text: string }> {
    const [file]: [Download, void] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
  }
}
