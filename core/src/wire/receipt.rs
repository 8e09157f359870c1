//! Consent receipts: what the server signs for the user about one recorded
//! decision, and its answer when asked whether the ledger still holds it.

use serde::{Deserialize, Serialize};

/// A signed statement that the ledger recorded one event: the user keeps
/// it, and can later ask whether the ledger still holds that exact record.
/// `signature` is an Ed25519 signature (hex) by the ledger key `key_id`;
/// the key's public half is in the server's `GET /api/receipts/keys`.
/// With `batch` absent it signs [`Receipt::message`]; with `batch` it signs
/// the root of the batch's Merkle tree, to which `batch` leads from this
/// receipt's message (see [`ReceiptBatch`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The record's id.
    pub record_id: String,
    /// App id.
    pub app: String,
    /// User id within the app when the record was written.
    pub user: String,
    /// The pseudonymous subject the record's hash covers.
    pub subject: String,
    /// Policy version.
    pub version: String,
    /// SHA-256 of that version's text.
    pub sha256: String,
    /// `accept`, `withdraw` or `defer`.
    pub action: String,
    /// When it was recorded: RFC 3339, UTC, milliseconds.
    pub recorded_at: String,
    /// The record's hash in its chain.
    pub hash: String,
    /// The ledger key that signed the receipt.
    pub key_id: String,
    /// Ed25519 signature, hex: of [`Receipt::message`], or with `batch`
    /// of its batch's root.
    pub signature: String,
    /// Where the receipt sits in the batch of receipts signed together;
    /// absent on a receipt signed alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<ReceiptBatch>,
}

/// A receipt's place in a batch of receipts that share one signature, in
/// the manner of Certificate Transparency (RFC 6962 §2.1): the leaves of a
/// Merkle tree are the batch's [`Receipt::message`]s, in order; a leaf
/// hashes as `SHA-256(0x00 ‖ message)`, an inner node as `SHA-256(0x01 ‖
/// left ‖ right)`, and a tree of n > 1 leaves splits at the largest power
/// of two below n. The signature is over the domain tag `privacy-center
/// receipt batch v1` (as an 8-byte big-endian length and its bytes), then
/// `size` (8 bytes, big-endian), then the root (32 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptBatch {
    /// The receipt's leaf, from 0.
    pub index: u64,
    /// Receipts in the batch.
    pub size: u64,
    /// The audit path: each sibling's hash (hex) from the leaf up to the
    /// root, folded as RFC 9162 §2.1.3.2 says.
    pub path: Vec<String>,
}

/// Separates receipt signatures from any other use of the key.
const RECEIPT_DOMAIN: &str = "privacy-center consent receipt v1";

impl Receipt {
    /// The signed bytes: a domain tag, then every field but the signature,
    /// each as an 8-byte big-endian length and its UTF-8 bytes.
    pub fn message(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        for part in [
            RECEIPT_DOMAIN,
            &self.record_id,
            &self.app,
            &self.user,
            &self.subject,
            &self.version,
            &self.sha256,
            &self.action,
            &self.recorded_at,
            &self.hash,
            &self.key_id,
        ] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out
    }
}

/// What the ledger says of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptVerdict {
    /// The ledger holds this exact record, sealed by its key.
    Held,
    /// The ledger holds this exact record; the account has since been
    /// erased, so it is kept under its pseudonymous subject, not the user id.
    HeldErased,
    /// The receipt's signature is genuine but the ledger no longer holds a
    /// record with its id: it was removed.
    Missing,
    /// The receipt's signature is genuine but the record under its id
    /// differs from it (or no longer carries a valid seal): it was rewritten.
    Altered,
    /// The signature does not match the receipt (or its batch path leads
    /// to no signed root): it was not issued as it reads.
    BadSignature,
    /// The receipt names a key this ledger does not have.
    UnknownKey,
}

impl ReceiptVerdict {
    /// Whether the ledger still holds the record the receipt describes.
    pub fn is_held(self) -> bool {
        matches!(self, ReceiptVerdict::Held | ReceiptVerdict::HeldErased)
    }
}

/// The answer of `POST /api/receipts/verify`: nothing beyond the verdict on
/// that exact record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptCheck {
    /// Whether the ledger still holds that exact record.
    pub held: bool,
    /// Why.
    pub verdict: ReceiptVerdict,
    /// The verdict in a sentence.
    pub reason: String,
}

/// One ledger key's public half, to check receipts without the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPublicKey {
    /// The key id receipts and checkpoints name.
    pub key_id: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
}
