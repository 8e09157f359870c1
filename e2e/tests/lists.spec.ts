import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

type Row = Record<string, unknown> & { info?: string; name?: string; link?: string | null };

/** The app's lists as the API declares them: what the page must show. */
async function declared(page: import('@playwright/test').Page, app: string) {
  const res = await page.request.get(`/api/apps/${app}/lists`);
  expect(res.status()).toBe(200);
  return (await res.json()) as { collected: Row[]; third_parties: Row[] };
}

test.describe('the two lists (双清单)', () => {
  test('both tables show every row the app declares, with links out and in', async ({ page, lists }, info) => {
    const api = await declared(page, 'weimeng');
    await lists.goto('weimeng');
    await expect(lists.rows(lists.collected)).toHaveCount(api.collected.length);
    await expect(lists.rows(lists.thirdParties)).toHaveCount(api.third_parties.length);
    await expect(lists.count).toHaveText(`共 ${api.collected.length + api.third_parties.length} 项`);
    for (const row of api.collected) {
      await expect(lists.row(lists.collected, new RegExp(`^${escape(row.info!)}`))).toHaveCount(1);
    }
    // An SDK with a policy link opens the third party's policy, not ours.
    const umeng = lists.row(lists.thirdParties, /^友盟SDK/);
    await expect(umeng.getByRole('rowheader')).toContainText('SDK');
    const out = umeng.getByRole('link', { name: 'www.umeng.com' });
    await expect(out).toHaveAttribute('href', 'https://www.umeng.com/legal/cn/privacy.html');
    await expect(out).toHaveAttribute('rel', 'noopener noreferrer external');
    // What the policy does not say is said to be unstated, never made up.
    await expect(umeng.getByRole('cell').first()).toHaveText('政策未说明');
    await expect(lists.row(lists.thirdParties, /^华为推送/).getByRole('cell').nth(1)).toHaveText('无');
    await screenshot(page, info, 'lists-weimeng');
    await lists.rows(lists.collected).first().scrollIntoViewIfNeeded();
    await screenshot(page, info, 'lists-weimeng-collected');
    await lists.row(lists.thirdParties, /^数美科技/).scrollIntoViewIfNeeded();
    await screenshot(page, info, 'lists-weimeng-sdks');
  });

  test('one search filters both tables, says how many match, and clears', async ({ page, lists }, info) => {
    const api = await declared(page, 'vchat');
    const total = api.collected.length + api.third_parties.length;
    const hits = api.collected.filter((r) => JSON.stringify(r).includes('手机号'));
    expect(hits.length).toBeGreaterThan(0);
    expect(api.third_parties.filter((r) => JSON.stringify(r).includes('手机号'))).toEqual([]);
    await lists.goto('vchat');
    await expect(lists.clear).toBeHidden();

    await lists.search.fill('手机号');
    await expect(lists.count).toHaveText(`找到 ${hits.length} 项，共 ${total} 项`);
    await expect(lists.rows(lists.collected)).toHaveCount(hits.length);
    await expect(lists.row(lists.collected, /^手机号、密码/)).toBeVisible();
    await expect(lists.thirdParties).toBeHidden();
    await expect(lists.emptyMessage(lists.thirdPartiesSection)).toHaveText('没有与“手机号”匹配的项目。');
    await lists.thirdPartiesSection.scrollIntoViewIfNeeded();
    await screenshot(page, info, 'lists-search-vchat');

    // Every word must match, each in any column.
    await lists.search.fill('GPS 推送');
    await expect(lists.rows(lists.collected)).toHaveCount(0);
    await expect(lists.emptyMessage(lists.collectedSection)).toBeVisible();

    // A company-less SDK is found by what it collects.
    await lists.search.fill('蓝牙');
    await expect(lists.row(lists.thirdParties, /^地理位置服务SDK/)).toBeVisible();

    await lists.clear.click();
    await expect(lists.search).toHaveValue('');
    await expect(lists.search).toBeFocused();
    await expect(lists.count).toHaveText(`共 ${total} 项`);
    await expect(lists.rows(lists.collected)).toHaveCount(api.collected.length);
    await expect(lists.rows(lists.thirdParties)).toHaveCount(api.third_parties.length);

    // Escape clears too.
    await lists.search.fill('不存在的词');
    await expect(lists.count).toHaveText(`找到 0 项，共 ${total} 项`);
    await lists.search.press('Escape');
    await expect(lists.count).toHaveText(`共 ${total} 项`);
  });

  test("a row's section link lands on that heading of the policy", async ({ page, lists, policy }) => {
    await lists.goto('vchat');
    const row = lists.row(lists.collected, /^通过IP地址、GPS/);
    const link = lists.sectionLink(row);
    await expect(link).toHaveText('2、位置信息日志');
    await link.click();
    await expect(page).toHaveURL(/\/vchat#/);
    await expect(policy.section('2、位置信息日志')).toBeInViewport();
  });

  test('the policy page links to its lists, and the lists back to it', async ({ page, policy, lists }) => {
    await policy.goto('shanliao');
    await policy.header.getByRole('link', { name: '个人信息收集与共享清单' }).click();
    await expect(page).toHaveURL(/\/shanliao\/lists$/);
    await expect(lists.heading).toHaveText('个人信息收集与共享清单');
    await page.getByRole('link', { name: '闪聊隐私政策' }).click();
    await expect(page).toHaveURL(/\/shanliao$/);
    await policy.appRunning();
  });

  test("the hub links to the session's app's lists", async ({ page, devSignIn, consentDialog, hub, lists }) => {
    await devSignIn.signIn('huajian', newUserId());
    await consentDialog.agree();
    await hub.goto();
    await hub.card('个人信息收集与共享清单').getByRole('link').click();
    await expect(page).toHaveURL(/\/huajian\/lists$/);
    await expect(lists.row(lists.thirdParties, /^闪验SDK/)).toBeVisible();
  });

  test('an unknown app shows the 404 page', async ({ page, notFound }) => {
    await page.goto('/no-such-app/lists');
    await expect(notFound.heading).toHaveText('找不到这个页面');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
