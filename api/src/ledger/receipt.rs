//! Receipts: the signed statement a user keeps for each recorded event
//! ([`Receipt`]), and the check of one against the ledger.

use crate::store::{on_db, Db};
use privacy_center_core::wire::{Receipt, ReceiptCheck, ReceiptVerdict};

use super::chain::{Row, COLUMNS, FORMAT_V2};
use super::seal::Keyring;
use crate::error::Result;

/// The receipt of a stored row, signed by the current key; `None` when the
/// row carries no seal that checks (written before the ledger had keys, or
/// altered since): the server never signs what it cannot vouch for.
pub fn issue(keyring: &Keyring, row: &Row) -> Option<Receipt> {
    let sealed = matches!(
        (&row.key_id, &row.mac),
        (Some(k), Some(m)) if keyring.check_mac(k, &row.hash, m) == Some(true)
    );
    if !sealed || row.fields().hash() != row.hash {
        return None;
    }
    let mut receipt = unsigned(keyring, row);
    sign(keyring, &mut receipt);
    Some(receipt)
}

/// The receipt of a row the writer has just sealed, not yet signed: the
/// writer task leaves the signature to the request's own task
/// ([`sign`]), so it does not hold up the next batch.
pub(super) fn unsigned(keyring: &Keyring, row: &Row) -> Receipt {
    Receipt {
        record_id: row.record_id.clone(),
        app: row.app.clone(),
        user: row.user_id.clone(),
        subject: row.subject.clone(),
        version: row.version.clone(),
        sha256: row.sha256.clone(),
        action: row.action.clone(),
        recorded_at: row.recorded_at.clone(),
        hash: row.hash.clone(),
        key_id: keyring.current_id().to_owned(),
        signature: String::new(),
    }
}

/// Signs `receipt` with the current key (which it names).
pub(super) fn sign(keyring: &Keyring, receipt: &mut Receipt) {
    receipt.key_id = keyring.current_id().to_owned();
    receipt.signature = keyring.sign(&receipt.message()).1;
}

/// Whether the ledger still holds the exact record `receipt` describes.
/// Reads one row by its record id.
pub async fn check(db: &Db, keyring: &Keyring, receipt: &Receipt) -> Result<ReceiptCheck> {
    let verdict =
        match keyring.check_signature(&receipt.key_id, &receipt.message(), &receipt.signature) {
            None => ReceiptVerdict::UnknownKey,
            Some(false) => ReceiptVerdict::BadSignature,
            Some(true) => {
                let sql = format!("SELECT {COLUMNS} FROM consents WHERE record_id = $1");
                let row: Option<Row> = on_db!(db, c => sqlx::query_as(&sql)
                    .bind(&receipt.record_id)
                    .fetch_optional(c)
                    .await)?;
                match row {
                    None => ReceiptVerdict::Missing,
                    Some(row) => compare(keyring, &row, receipt),
                }
            }
        };
    Ok(ReceiptCheck {
        held: verdict.is_held(),
        verdict,
        reason: reason(verdict).to_owned(),
    })
}

/// The verdict on a genuine receipt whose record id the ledger holds.
fn compare(keyring: &Keyring, row: &Row, receipt: &Receipt) -> ReceiptVerdict {
    let same = row.app == receipt.app
        && row.subject == receipt.subject
        && row.version == receipt.version
        && row.sha256 == receipt.sha256
        && row.action == receipt.action
        && row.recorded_at == receipt.recorded_at
        && row.hash == receipt.hash
        && row.fields().hash() == row.hash;
    let sealed = matches!(
        (&row.key_id, &row.mac),
        (Some(k), Some(m)) if keyring.check_mac(k, &row.hash, m) == Some(true)
    );
    if !same || !sealed {
        return ReceiptVerdict::Altered;
    }
    if row.user_id == receipt.user {
        ReceiptVerdict::Held
    } else if row.format == FORMAT_V2 && row.user_id == row.subject {
        // Cancellation replaced the user id by the subject the hash covers.
        ReceiptVerdict::HeldErased
    } else {
        ReceiptVerdict::Altered
    }
}

/// The verdict in a sentence.
pub fn reason(verdict: ReceiptVerdict) -> &'static str {
    match verdict {
        ReceiptVerdict::Held => "the ledger holds this exact record, sealed by its key",
        ReceiptVerdict::HeldErased => {
            "the ledger holds this exact record; the account was erased since, so it is kept under its pseudonymous subject instead of the user id"
        }
        ReceiptVerdict::Missing => {
            "the receipt is genuine but the ledger no longer holds this record: it was removed"
        }
        ReceiptVerdict::Altered => {
            "the receipt is genuine but the ledger's record under this id differs from it: it was rewritten"
        }
        ReceiptVerdict::BadSignature => {
            "the signature does not match the receipt: it was not issued as it reads"
        }
        ReceiptVerdict::UnknownKey => "the receipt names a key this ledger does not have",
    }
}
