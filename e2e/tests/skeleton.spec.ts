import { test, expect } from '../fixtures';

test.describe('home', () => {
  test('lists the apps with their operator and current version', async ({ home }) => {
    await home.goto();
    await expect(home.heading).toHaveText('隐私政策与个人信息保护');
    const vchat = home.app('V聊');
    await expect(vchat).toBeVisible();
    await expect(vchat).toContainText('湖北微果网络科技有限公司');
    await expect(vchat).toContainText('版本 2020-10-01');
  });

  test('lists every app of the corpus', async ({ home }) => {
    await home.goto();
    for (const name of ['V聊', '微萌', '花间', '闪聊']) await expect(home.app(name)).toBeVisible();
    await expect(home.appCards).toHaveCount(4);
  });

  test('opens an app policy from its card', async ({ home, policy, page }) => {
    await home.goto();
    await home.openApp('V聊');
    await expect(page).toHaveURL(/\/vchat$/);
    await expect(policy.title).toHaveText('V聊隐私政策');
  });
});

test.describe('policy page', () => {
  test('shows the title, operator, effective date and section headings', async ({ policy, page }) => {
    await policy.goto('vchat');
    await expect(policy.title).toHaveText('V聊隐私政策');
    await expect(policy.fact('生效日期')).toHaveText('2020年10月1日');
    await expect(policy.fact('运营方')).toHaveText('湖北微果网络科技有限公司');
    await expect(policy.section('一、我们收集的信息')).toBeVisible();
    await expect(policy.section('十三、变更')).toBeAttached();
    await expect(page).toHaveTitle(/V聊隐私政策/);
  });

  test('table of contents is open beside the text on desktop and folded on phones', async ({ policy }, info) => {
    await policy.goto('vchat');
    const first = policy.toc.getByRole('link', { name: '一、我们收集的信息' });
    if (info.project.name === 'phone') {
      await expect(first).toBeHidden();
      await policy.openToc();
    }
    await expect(first).toBeVisible();
  });

  test('table of contents links to sections by readable ids', async ({ policy, page }) => {
    await policy.goto('vchat');
    await policy.openToc();
    const link = policy.toc.getByRole('link', { name: '九、信息安全' });
    await expect(link).toHaveAttribute('href', '#九-信息安全');
    await link.click();
    await expect(policy.section('九、信息安全')).toBeInViewport();
    await expect(page).toHaveURL(/#%E4%B9%9D-/);
  });

  test('imported policies render with their own numbering as headings', async ({ policy }) => {
    await policy.goto('huajian');
    await expect(policy.title).toHaveText('花间隐私政策');
    await expect(policy.section('一、我们如何收集和使用个人信息')).toBeVisible();
    await expect(policy.fact('运营方')).toHaveText('重庆缘缘网络科技有限公司');
    await policy.goto('shanliao');
    await expect(policy.section('G1. 个人信息的梯度授权')).toBeVisible();
    await expect(policy.fact('生效日期')).toHaveText('2020年1月16日');
  });

  test('a deep link survives reload', async ({ policy, page }) => {
    await page.goto('/vchat');
    await expect(policy.title).toHaveText('V聊隐私政策');
    await page.reload();
    await expect(policy.title).toHaveText('V聊隐私政策');
    await expect(policy.section('一、我们收集的信息')).toBeVisible();
  });

  test('the policy text cannot run script: its CSP forbids inline code', async ({ page }) => {
    const res = await page.goto('/vchat');
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
    expect(csp).not.toContain('unsafe-inline');
    expect(res!.headers()['cache-control']).toBe('no-cache');
  });
});

test.describe('not found', () => {
  test('an unknown route shows the 404 page with a way home', async ({ page, notFound, home }) => {
    await page.goto('/no/such/page');
    await expect(notFound.heading).toHaveText('找不到这个页面');
    await notFound.homeLink.click();
    await expect(home.heading).toHaveText('隐私政策与个人信息保护');
  });

  test('an unknown app shows the 404 page', async ({ page, notFound }) => {
    await page.goto('/nosuchapp');
    await expect(notFound.heading).toHaveText('找不到这个页面');
  });

  test('an unknown API path answers the JSON error shape', async ({ request }) => {
    const res = await request.get('/api/no/such/endpoint');
    expect(res.status()).toBe(404);
    expect(res.headers()['content-type']).toContain('application/json');
    const body = await res.json();
    expect(body).toEqual({ code: 'not_found', message: expect.stringContaining('/api/no/such/endpoint'), fields: {} });
  });

  test('a missing asset is a plain 404, not the app shell', async ({ request }) => {
    const res = await request.get('/missing-script.js');
    expect(res.status()).toBe(404);
    expect(await res.text()).not.toContain('<html');
  });
});

test.describe('language', () => {
  test('follows an English browser', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/vchat');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('V聊隐私政策');
    // The facts the reader sees (the server's copy, then the app's).
    const facts = page.locator('.policy-facts:visible');
    await expect(facts).toContainText('Effective');
    await expect(facts).toContainText('1 October 2020');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // The policy itself stays in the language it was written in.
    await expect(page.locator('article:visible')).toHaveAttribute('lang', 'zh-CN');
    await context.close();
  });

  test('switching language applies at once and is remembered', async ({ home, page }) => {
    await home.goto();
    await home.chooseLanguage('English');
    await expect(home.heading).toHaveText('Privacy policies and your personal information');
    await page.reload();
    await expect(home.heading).toHaveText('Privacy policies and your personal information');
    await home.chooseLanguage('简体中文');
    await expect(home.heading).toHaveText('隐私政策与个人信息保护');
  });
});
