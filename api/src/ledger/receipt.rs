//! Receipts: the signed statement a user keeps for each recorded event
//! ([`Receipt`]), and the check of one against the ledger.
//!
//! Receipts issued together (a writer batch, a user's records) share one
//! Ed25519 signature, over the root of a Merkle tree ([`merkle`]) whose
//! leaves are their messages; each carries its audit path
//! ([`ReceiptBatch`]), so it still checks on its own. Receipts signed alone
//! (the form before batches) check as they always did.

use crate::store::{on_db, Db};
use privacy_center_core::wire::{Receipt, ReceiptBatch, ReceiptCheck, ReceiptVerdict};

use super::chain::{Row, COLUMNS, FORMAT_V2};
use super::merkle::{self, Hash};
use super::seal::Keyring;
use crate::error::Result;

/// Separates a batch root's signature from any other use of the key.
const BATCH_DOMAIN: &str = "privacy-center receipt batch v1";

/// The receipt of a stored row, signed by the current key (a batch of
/// one); `None` when the row carries no seal that checks (written before
/// the ledger had keys, or altered since): the server never signs what it
/// cannot vouch for.
pub fn issue(keyring: &Keyring, row: &Row) -> Option<Receipt> {
    issue_all(keyring, std::slice::from_ref(row))
        .pop()
        .flatten()
}

/// [`issue`] for each of `rows`, with one signature for them all.
pub fn issue_all(keyring: &Keyring, rows: &[Row]) -> Vec<Option<Receipt>> {
    let mut receipts: Vec<Option<Receipt>> = rows
        .iter()
        .map(|row| {
            (sealed(keyring, row) && row.fields().hash() == row.hash)
                .then(|| unsigned(keyring, row))
        })
        .collect();
    sign_all(keyring, receipts.iter_mut().flatten());
    receipts
}

/// Whether `row` carries a MAC that checks under a key of `keyring`.
fn sealed(keyring: &Keyring, row: &Row) -> bool {
    matches!(
        (&row.key_id, &row.mac),
        (Some(k), Some(m)) if keyring.check_mac(k, &row.hash, m) == Some(true)
    )
}

/// The receipt of a row the writer has just sealed, not yet signed: the
/// writer signs its whole batch's at once ([`sign_all`]).
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
        batch: None,
    }
}

/// Signs `receipts` as one batch with the current key (which each then
/// names): one signature over the root of the Merkle tree of their
/// messages, in order, and each receipt's place and audit path in it.
pub(super) fn sign_all<'a>(keyring: &Keyring, receipts: impl IntoIterator<Item = &'a mut Receipt>) {
    let mut receipts: Vec<&mut Receipt> = receipts.into_iter().collect();
    if receipts.is_empty() {
        return;
    }
    let key_id = keyring.current_id();
    let leaves: Vec<Hash> = receipts
        .iter_mut()
        .map(|r| {
            key_id.clone_into(&mut r.key_id);
            merkle::leaf_hash(&r.message())
        })
        .collect();
    let (root, paths) = merkle::tree(&leaves);
    let size = leaves.len() as u64;
    let signature = keyring.sign(&batch_message(size, &root)).1;
    for (index, (receipt, path)) in receipts.into_iter().zip(paths).enumerate() {
        receipt.signature.clone_from(&signature);
        receipt.batch = Some(ReceiptBatch {
            index: index as u64,
            size,
            path: path.iter().map(hex::encode).collect(),
        });
    }
}

/// The bytes a batch's signature covers: the domain tag (an 8-byte
/// big-endian length and its bytes), the tree's size (8 bytes, big-endian)
/// and its root.
fn batch_message(size: u64, root: &Hash) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + BATCH_DOMAIN.len() + 8 + 32);
    out.extend_from_slice(&(BATCH_DOMAIN.len() as u64).to_be_bytes());
    out.extend_from_slice(BATCH_DOMAIN.as_bytes());
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(root);
    out
}

/// What `receipt`'s signature must cover: its message, or the batch root
/// its audit path leads to; `None` when the path leads to no root (a hash
/// that is not 32 bytes of hex, or too few or too many for its index and
/// size).
fn signed_message(receipt: &Receipt) -> Option<Vec<u8>> {
    let Some(batch) = &receipt.batch else {
        return Some(receipt.message());
    };
    let path = batch
        .path
        .iter()
        .map(|h| Hash::try_from(hex::decode(h).ok()?).ok())
        .collect::<Option<Vec<Hash>>>()?;
    let leaf = merkle::leaf_hash(&receipt.message());
    let root = merkle::root_from_path(batch.index, batch.size, &leaf, &path)?;
    Some(batch_message(batch.size, &root))
}

/// Whether `receipt` is signed as it reads by the key it names; `None` when
/// this keyring lacks that key. No database read.
pub fn signature_checks(keyring: &Keyring, receipt: &Receipt) -> Option<bool> {
    match signed_message(receipt) {
        Some(message) => keyring.check_signature(&receipt.key_id, &message, &receipt.signature),
        None => keyring
            .ids()
            .contains(&receipt.key_id.as_str())
            .then_some(false),
    }
}

/// Whether the ledger still holds the exact record `receipt` describes.
/// Reads one row by its record id.
pub async fn check(db: &Db, keyring: &Keyring, receipt: &Receipt) -> Result<ReceiptCheck> {
    let verdict = match signature_checks(keyring, receipt) {
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
    if !same || !sealed(keyring, row) {
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
            "the signature (or the receipt's batch path) does not match the receipt: it was not issued as it reads"
        }
        ReceiptVerdict::UnknownKey => "the receipt names a key this ledger does not have",
    }
}
