import { test as base, expect } from '../fixtures';
import { Sandbox, Server, staffCredential } from '../support/server';
import { screenshot } from '../support/shots';
import { RAW_POLICY } from '../support/raw-policy';

// The product team's preview: drafts hidden from the public, visible with
// the staff credential (taken from the CLI, as an operator would), and the
// live editor running importer, checker, renderer and diff in the browser.

const DRAFT = '2026-12-15';

// That draft has been published since, announced ahead of its effective
// date (issue #16): these tests run on a server of their own whose copy of
// the policies keeps it a draft, with the suite's staff credential.
const test = base.extend<{ draftServer: Server }>({
  // eslint-disable-next-line no-empty-pattern
  draftServer: async ({}, use) => {
    const sandbox = new Sandbox();
    sandbox.unpublish('vchat', DRAFT);
    const server = await Server.start(sandbox, undefined, { env: { PRIVACY_CENTER_STAFF_CREDENTIAL: staffCredential() } });
    try {
      await use(server);
    } finally {
      await server.stop();
      sandbox.remove();
    }
  },
  baseURL: async ({ draftServer }, use) => use(draftServer.url),
});

test.describe('preview', () => {
  test('drafts are a 404 for the public, in the API and in the reader', async ({ page, request, notFound }) => {
    expect((await request.get(`/api/apps/vchat/policies/${DRAFT}`)).status()).toBe(404);
    expect((await request.get(`/api/apps/vchat/policies/${DRAFT}/source`)).status()).toBe(404);
    await page.goto(`/vchat/v/${DRAFT}`);
    await expect(notFound.heading).toBeVisible();
    await expect(page.getByText('极光推送')).toHaveCount(0);
  });

  test('drafts appear after entering the staff credential, and leave with sign-out', async ({ preview, page }, info) => {
    await preview.goto();
    await expect(preview.heading).toHaveText('团队登录');
    await screenshot(page, info, 'preview-sign-in');
    await preview.signIn(staffCredential());
    await expect(preview.heading).toHaveText('全部版本');
    const draft = preview.version('V聊', DRAFT);
    await expect(draft).toContainText('草稿');
    await expect(preview.version('V聊', '2020-10-01')).toContainText('当前版本');
    await screenshot(page, info, 'preview-versions');

    // The cookie is HttpOnly: scripts in the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('pc_staff');
    // The browser now carries it: the API shows the draft.
    expect((await page.request.get(`/api/apps/vchat/policies/${DRAFT}`)).status()).toBe(200);

    await draft.getByRole('link', { name: '预览' }).click();
    await expect(page).toHaveURL(new RegExp(`/preview/vchat/${DRAFT}$`));
    await expect(preview.note.first()).toContainText('草稿');
    // Shown as it will be once published, not as an earlier version.
    await expect(page.getByText('历史版本')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1, name: 'V聊隐私政策' })).toBeVisible();
    await expect(page.locator('.policy-body')).toContainText('极光推送');
    await screenshot(page, info, 'preview-draft');
    // Its SDK table (the corpus's only one) stays inside the text column:
    // on a 360 px phone it scrolls sideways by itself, never the page.
    const table = page.locator('.policy-body table').first();
    await table.scrollIntoViewIfNeeded();
    const fit = await table.evaluate((t) => ({
      right: t.getBoundingClientRect().right,
      viewport: document.documentElement.clientWidth,
      scrolls: t.scrollWidth > t.clientWidth,
    }));
    expect(fit.right, 'table edge inside the viewport').toBeLessThanOrEqual(fit.viewport);
    if (info.project.name === 'phone') expect(fit.scrolls, 'four columns scroll inside the table on a phone').toBe(true);
    await table.evaluate((t) => t.scrollBy({ left: 1000 }));
    await screenshot(page, info, 'preview-draft-table');
    // Reload: entered once, carried by the cookie.
    await page.reload();
    await expect(page.locator('.policy-body')).toContainText('极光推送');

    await preview.signOutButton.click();
    await expect(preview.heading).toHaveText('团队登录');
    expect((await page.request.get(`/api/apps/vchat/policies/${DRAFT}`)).status()).toBe(404);
  });

  test('a wrong credential says so and lets nobody in', async ({ preview }) => {
    await preview.goto();
    await preview.signIn('not-the-staff-credential');
    await expect(preview.alert).toHaveText('团队凭证不正确，请检查后重试。');
    await expect(preview.heading).toHaveText('团队登录');
    await expect(preview.credential).toBeVisible();
  });

  test('the live editor renders typed Markdown and reports broken front matter with its line', async ({ preview, page }, info) => {
    await preview.signInAndList(staffCredential());
    await preview.openEditor('vchat', DRAFT);
    // The draft loaded: rendered like the reader, compared with the current version.
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('V聊隐私政策');
    await expect(preview.diff).toContainText('新增');
    await screenshot(page, info, 'preview-editor');

    const file = [
      '+++',
      `version = "${DRAFT}"`,
      'title = "V聊隐私政策（测试稿）"',
      'status = "draft"',
      '+++',
      '',
      '## 一、测试章节',
      '',
      '这是**新写的**内容。',
      '',
      '## 二、第二节',
      '',
      '更多内容。',
      '',
    ].join('\n');
    await preview.source.fill('');
    await preview.source.pressSequentially(file.slice(0, 40));
    await preview.source.fill(file);
    await expect(preview.rendered.getByRole('heading', { level: 1 })).toHaveText('V聊隐私政策（测试稿）');
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '一、测试章节' })).toBeVisible();
    await expect(preview.rendered.locator('.policy-body strong')).toHaveText('新写的');
    // Its contents (folded on phones, so looked up in the DOM).
    await expect(preview.rendered.locator('nav a', { hasText: '二、第二节' })).toBeAttached();
    await expect(preview.diagnostics).toContainText('没有发现问题');
    // An edit inside the body (same headings) updates the page too.
    await preview.source.fill(file.replace('更多内容。', '更多内容，已修改。'));
    await expect(preview.rendered.locator('.policy-body')).toContainText('更多内容，已修改。');
    await expect(preview.rendered.locator('.policy-body')).not.toContainText('更多内容。');
    await expect(preview.rendered.locator('.policy-body h2')).toHaveCount(2);

    // Break the front matter: the title's value is missing on line 3.
    await preview.source.fill(file.replace('title = "V聊隐私政策（测试稿）"', 'title = '));
    const problem = preview.diagnostics.getByRole('listitem').first();
    await expect(problem).toContainText(`vchat/${DRAFT}.md:3`);
    await expect(problem).toContainText('第 3 行');
    await expect(problem).toContainText('front matter');
    // The last good page and its changes stay in view meanwhile.
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '一、测试章节' })).toBeVisible();
    await expect(preview.diff.getByText('一、测试章节')).toBeVisible();
    await problem.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'preview-editor-error');
  });

  test('pasted raw legal text is imported into headings', async ({ preview }) => {
    await preview.signInAndList(staffCredential());
    await preview.openEditor('weimeng', '2022-04-24');
    await preview.rawMode.check();
    await expect(preview.source).toHaveValue('');
    const raw = RAW_POLICY;
    await preview.source.fill(raw);
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '一、我们如何收集和使用您的个人信息' })).toBeVisible();
    await expect(preview.rendered.getByRole('heading', { name: '（一）注册与登录' })).toBeVisible();
    await expect(preview.rendered.getByRole('heading', { level: 2, name: '二、我们如何保护您的个人信息' })).toBeVisible();
    await expect(preview.diagnostics).toContainText('没有发现问题');
    // Continue as Markdown: the imported file replaces the raw text.
    await preview.page.getByRole('button', { name: '转为 Markdown 继续编辑' }).click();
    await expect(preview.markdownMode).toBeChecked();
    await expect(preview.source).toHaveValue(/^\+\+\+\nversion = "2026-03-01"/);
    await expect(preview.source).toHaveValue(/## 一、我们如何收集和使用您的个人信息/);
  });
});
