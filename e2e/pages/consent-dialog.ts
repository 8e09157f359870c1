import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The consent prompts on an app's policy page: the blocking dialog, the
 * limited-mode note after "Not now", the "policy updated" banner and the
 * "agreed" line in the policy header.
 */
export class ConsentDialog {
  readonly dialog: Locator;
  readonly title: Locator;
  readonly agreeButton: Locator;
  readonly notNowButton: Locator;
  readonly compareLink: Locator;
  readonly limitedNote: Locator;
  readonly reviewButton: Locator;
  readonly updatedBanner: Locator;
  readonly agreedLine: Locator;
  readonly handoffError: Locator;
  readonly readFirstButton: Locator;
  readonly bar: Locator;
  readonly barAgreeButton: Locator;
  readonly barBackButton: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog');
    this.title = this.dialog.getByRole('heading', { level: 2 });
    this.agreeButton = this.dialog.getByRole('button', { name: '同意', exact: true });
    this.notNowButton = this.dialog.getByRole('button', { name: '暂不同意', exact: true });
    this.compareLink = this.dialog.getByRole('link', { name: '对比你上次同意的版本' });
    this.limitedNote = page.getByRole('note').filter({ hasText: '受限模式' });
    this.reviewButton = this.limitedNote.getByRole('button', { name: '查看并同意' });
    this.updatedBanner = page.getByRole('status').filter({ hasText: '隐私政策已更新' });
    this.agreedLine = page.getByText(/^✓ 已同意当前版本/);
    this.handoffError = page.getByRole('alert').filter({ hasText: '无法通过应用登录' });
    this.readFirstButton = this.dialog.getByRole('button', { name: '先阅读全文' });
    this.bar = page.getByRole('region', { name: '是否同意隐私政策' });
    this.barAgreeButton = this.bar.getByRole('button', { name: '同意', exact: true });
    this.barBackButton = this.bar.getByRole('button', { name: '查看说明' });
  }

  /** Agrees and waits until the dialog has gone and the header says so. */
  async agree() {
    await this.agreeButton.click();
    await expect(this.dialog).toHaveCount(0);
    await expect(this.agreedLine).toBeVisible();
  }

  /** Whether keyboard focus is inside the dialog. */
  async focusInside(): Promise<boolean> {
    return this.dialog.evaluate((d) => d.contains(document.activeElement));
  }
}
