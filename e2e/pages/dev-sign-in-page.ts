import { expect, type Locator, type Page } from '@playwright/test';

/** `/dev/sign-in`: "sign in as" anyone, only under `serve --dev`. */
export class DevSignInPage {
  readonly heading: Locator;
  readonly app: Locator;
  readonly user: Locator;
  readonly submit: Locator;
  readonly devBanner: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.app = page.getByLabel('应用', { exact: true });
    this.user = page.getByLabel('用户 ID', { exact: true });
    this.submit = page.getByRole('button', { name: '登录', exact: true });
    this.devBanner = page.getByText('Development mode — 请勿用于生产环境');
  }

  async goto() {
    await this.page.goto('/dev/sign-in');
    await expect(this.user).toBeVisible();
  }

  /** Signs in as `user` of `app` and waits for the app's policy page. */
  async signIn(app: string, user: string) {
    await this.goto();
    await this.app.selectOption(app);
    await this.user.fill(user);
    await this.submit.click();
    await expect(this.page).toHaveURL(new RegExp(`/${app}$`));
  }
}
