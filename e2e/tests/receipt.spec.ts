import { test, expect } from '../fixtures';
import { screenshot } from '../support/shots';
import { newUserId } from '../support/users';

const CURRENT = '2020-10-01';

test.describe('consent receipts', () => {
  test('a receipt downloaded from the records page verifies through the API, and an edited one does not', async ({ page, devSignIn, consentDialog, consents }, info) => {
    await devSignIn.signIn('vchat', newUserId());
    await consentDialog.agree();
    await consents.goto();
    const row = consents.row(CURRENT);
    await expect(consents.receiptLink(row)).toHaveAttribute('title', /签名回执/);
    await screenshot(page, info, 'consents-receipt');

    const { name, receipt } = await consents.downloadReceipt(row);
    expect(name).toMatch(/^receipt-[0-9a-f]{32}\.json$/);
    expect(receipt.action).toBe('accept');
    expect(receipt.version).toBe(CURRENT);
    expect(receipt.signature).toMatch(/^[0-9a-f]{128}$/);

    const held = await page.request.post('/api/receipts/verify', { data: receipt });
    expect(held.status()).toBe(200);
    expect(await held.json()).toMatchObject({ held: true, verdict: 'held' });

    // Claiming a withdrawal the user never made: the signature gives it away.
    const edited = await page.request.post('/api/receipts/verify', { data: { ...receipt, action: 'withdraw' } });
    expect(await edited.json()).toMatchObject({ held: false, verdict: 'bad_signature' });
  });
});
