import { expect, type Locator, type Page } from '@playwright/test';

/** A downloaded receipt: its fields, and its place among the receipts signed with it. */
export type Receipt = {
  [field: string]: unknown;
  action: string;
  version: string;
  signature: string;
  batch: { index: number; size: number; path: string[] };
};

/** `/me/consents`: the signed-in user's consent records. */
export class ConsentsPage {
  readonly heading: Locator;
  readonly rows: Locator;
  readonly downloadLink: Locator;
  readonly withdrawButton: Locator;
  readonly confirmWithdrawButton: Locator;
  readonly signOutButton: Locator;
  readonly signedOutHeading: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.rows = page.getByRole('table').locator('tbody tr');
    this.downloadLink = page.getByRole('link', { name: '下载我的数据' });
    this.withdrawButton = page.getByRole('button', { name: '撤回同意', exact: true });
    this.confirmWithdrawButton = page.getByRole('button', { name: '确认撤回' });
    this.signOutButton = page.getByRole('button', { name: '退出登录' });
    this.signedOutHeading = page.getByRole('heading', { name: '请从应用内打开此页面' });
  }

  /** Opens the page; `base` selects another server than the suite's. */
  async goto(base = '') {
    await this.page.goto(`${base}/me/consents`);
    await expect(this.heading).toBeVisible();
  }

  /** The receipt link of a record row. */
  receiptLink(row: Locator): Locator {
    return row.getByRole('link', { name: '回执' });
  }

  /** Downloads a record row's receipt; answers the file's name and JSON. */
  async downloadReceipt(row: Locator): Promise<{ name: string; receipt: Receipt }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.receiptLink(row).click(),
    ]);
    const path = await download.path();
    const fs = await import('node:fs/promises');
    const receipt = JSON.parse(await fs.readFile(path, 'utf8'));
    return { name: download.suggestedFilename(), receipt };
  }

  /** The record rows that mention a version, newest first. */
  row(version: string): Locator {
    return this.rows.filter({ hasText: version });
  }

  async withdraw() {
    await this.withdrawButton.click();
    await this.confirmWithdrawButton.click();
    await expect(this.rows.first()).toContainText('撤回');
  }
}
