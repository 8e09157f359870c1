import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

const CURRENT = '2020-10-01';

test.describe('consent receipts', () => {
  test('a receipt downloaded from the records page verifies through the API, and an edited one does not', async ({ page, devSignIn, consentDialog, consents }, info) => {
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await consents.goto();
    await consents.withdraw();
    // Two records, newest first: their receipts share one signature, each
    // with its path to it.
    const accepted = consents.rows.nth(1);
    await expect(accepted).toContainText(CURRENT);
    await expect(consents.receiptLink(accepted)).toHaveAttribute('title', /签名回执/);
    await screenshot(page, info, 'consents-receipt');

    const { name, receipt } = await consents.downloadReceipt(accepted);
    expect(name).toMatch(/^receipt-[0-9a-f]{32}\.json$/);
    expect(receipt.action).toBe('accept');
    expect(receipt.version).toBe(CURRENT);
    expect(receipt.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(receipt.batch).toMatchObject({ index: 0, size: 2 });
    expect(receipt.batch.path).toHaveLength(1);

    const verdict = async (data: object) => {
      const res = await page.request.post('/api/receipts/verify', { data });
      expect(res.status()).toBe(200);
      return (await res.json()).verdict;
    };
    expect(await verdict(receipt)).toBe('held');
    // Claiming a withdrawal the user never made: the signature gives it away.
    expect(await verdict({ ...receipt, action: 'withdraw' })).toBe('bad_signature');
    // So does a path that was not the one signed.
    const path = [receipt.batch.path[0].replace(/^./, (c) => (c === '0' ? '1' : '0'))];
    expect(await verdict({ ...receipt, batch: { ...receipt.batch, path } })).toBe('bad_signature');
  });
});
