import { expect, type Locator, type Page } from '@playwright/test';

/** `/me/account`: account cancellation (the controls' bundle). */
export class AccountPage {
  readonly heading: Locator;
  readonly deleted: Locator;
  readonly kept: Locator;
  readonly conditions: Locator;
  readonly confirm: Locator;
  readonly requestButton: Locator;
  readonly wrongPhrase: Locator;
  readonly reverify: Locator;
  readonly pending: Locator;
  readonly withdrawButton: Locator;
  readonly withdrawnByUser: Locator;
  readonly withdrawnBySignIn: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.deleted = page.getByRole('heading', { name: '将被删除' });
    this.kept = page.getByRole('heading', { name: '依法保留' });
    this.conditions = page.locator('.account-checklist li');
    this.confirm = page.getByLabel('请输入“注销账号”以确认');
    this.requestButton = page.getByRole('button', { name: '申请注销账号' });
    this.wrongPhrase = page.getByRole('alert').filter({ hasText: '输入的内容不对' });
    this.reverify = page.getByRole('alert').filter({ hasText: '需要重新验证身份' });
    this.pending = page.getByRole('status').filter({ hasText: '注销申请已提交' });
    this.withdrawButton = page.getByRole('button', { name: '撤回注销申请' });
    this.withdrawnByUser = page.getByRole('status').filter({ hasText: '你已撤回注销申请' });
    this.withdrawnBySignIn = page.getByRole('status').filter({ hasText: '你在冷静期内重新登录，注销申请已自动撤回' });
  }

  async goto() {
    await this.page.goto('/me/account');
    await expect(this.heading).toHaveText('注销账号');
  }

  /** A row of the pending request's clocks, by its label. */
  clock(label: string): Locator {
    return this.pending.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  }

  /** Types `phrase` and asks for the account to be cancelled. */
  async request(phrase = '注销账号') {
    await this.confirm.fill(phrase);
    await this.requestButton.click();
  }
}
