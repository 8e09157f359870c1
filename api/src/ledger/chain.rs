//! The hash chain's own rules: which fields a record's hash covers, how they
//! are encoded, and a row as stored.

use privacy_center_core::wire::{Channel, ConsentAction, ConsentRecord};

use crate::error::{Error, Result};
use crate::identity::sha256_hex;

/// `prev_hash` of a user's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separates this hash from any other SHA-256 use and versions the encoding:
/// format 1 hashes the raw user id as the subject.
const DOMAIN_V1: &[u8] = b"privacy-center consent record v1";
/// Format 2 hashes a pseudonymous subject (`ledger_subjects`), so the user id
/// can leave the rows when an account is cancelled without breaking a link.
const DOMAIN_V2: &[u8] = b"privacy-center consent record v2";

/// Format of rows written before pseudonymous subjects (pre-release data).
pub const FORMAT_V1: i64 = 1;
/// Format of every new chain: the hash covers the pseudonymous subject.
pub const FORMAT_V2: i64 = 2;

/// The columns of `consents` that make up a [`Row`], in its order.
pub(super) const COLUMNS: &str = "seq, record_id, app, user_id, format, subject, version, sha256, \
     action, channel, recorded_at, prev_hash, hash, key_id, mac";

/// The fields a record's hash covers, in hashing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    /// [`FORMAT_V1`] or [`FORMAT_V2`]: which domain tag the hash starts with.
    pub format: i64,
    /// Random record id.
    pub record_id: &'a str,
    /// App id.
    pub app: &'a str,
    /// Whom the record is about: the user id (format 1) or the user's
    /// pseudonymous subject (format 2).
    pub subject: &'a str,
    /// Policy version.
    pub version: &'a str,
    /// Policy content hash.
    pub sha256: &'a str,
    /// `accept`, `withdraw` or `defer`.
    pub action: &'a str,
    /// `browser` or `webview`.
    pub channel: &'a str,
    /// RFC 3339 time.
    pub recorded_at: &'a str,
    /// The previous record's hash, or [`GENESIS`].
    pub prev_hash: &'a str,
}

impl Fields<'_> {
    /// The canonical encoding: the format's domain tag, then every field as an 8-byte
    /// big-endian length followed by its UTF-8 bytes. No two different
    /// records encode alike, whatever characters the fields contain.
    pub fn encode(&self) -> Vec<u8> {
        let parts = [
            self.record_id,
            self.app,
            self.subject,
            self.version,
            self.sha256,
            self.action,
            self.channel,
            self.recorded_at,
            self.prev_hash,
        ];
        let domain = if self.format == FORMAT_V1 {
            DOMAIN_V1
        } else {
            DOMAIN_V2
        };
        let mut out = Vec::with_capacity(domain.len() + 9 * 8 + 256);
        out.extend_from_slice(&(domain.len() as u64).to_be_bytes());
        out.extend_from_slice(domain);
        for p in parts {
            out.extend_from_slice(&(p.len() as u64).to_be_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        out
    }

    /// SHA-256 of [`Fields::encode`], lowercase hex.
    pub fn hash(&self) -> String {
        sha256_hex(&self.encode())
    }
}

/// A ledger row as stored. `action` and `channel` are kept as the text the
/// hash covers; [`Row::action`] and [`Row::channel`] read them, and a text
/// the ledger does not know is an error, never a default.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Row {
    /// Insertion order across the whole ledger.
    pub seq: i64,
    /// Random record id.
    pub record_id: String,
    /// App id.
    pub app: String,
    /// User id: the lookup column, outside the hash in format 2; replaced by
    /// the subject when the account is cancelled.
    pub user_id: String,
    /// [`FORMAT_V1`] or [`FORMAT_V2`].
    pub format: i64,
    /// The hashed subject: the user id (format 1) or a pseudonym (format 2).
    pub subject: String,
    /// Policy version.
    pub version: String,
    /// Policy content hash.
    pub sha256: String,
    /// `accept`, `withdraw` or `defer`.
    pub action: String,
    /// `browser` or `webview`.
    pub channel: String,
    /// RFC 3339 time.
    pub recorded_at: String,
    /// Previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
    /// The ledger key that sealed it (`seal::Keyring`); `None` for rows
    /// written before the ledger had keys.
    pub key_id: Option<String>,
    /// HMAC-SHA256 of `hash` under that key.
    pub mac: Option<String>,
}

impl Row {
    /// The fields its hash covers.
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            format: self.format,
            record_id: &self.record_id,
            app: &self.app,
            subject: &self.subject,
            version: &self.version,
            sha256: &self.sha256,
            action: &self.action,
            channel: &self.channel,
            recorded_at: &self.recorded_at,
            prev_hash: &self.prev_hash,
        }
    }

    /// The stored action; an unknown one is [`Error::Unreadable`].
    pub fn action(&self) -> Result<ConsentAction> {
        ConsentAction::parse(&self.action).ok_or_else(|| self.unreadable("action", &self.action))
    }

    /// The stored channel; an unknown one is [`Error::Unreadable`].
    pub fn channel(&self) -> Result<Channel> {
        Channel::parse(&self.channel).ok_or_else(|| self.unreadable("channel", &self.channel))
    }

    fn unreadable(&self, column: &str, value: &str) -> Error {
        Error::Unreadable(format!(
            "ledger row seq {} (record {}) has an unknown {column} {value:?}",
            self.seq, self.record_id
        ))
    }

    /// The record as sent on the wire; fails when the row cannot be read.
    pub fn to_wire(&self) -> Result<ConsentRecord> {
        let action = self.action()?;
        Ok(ConsentRecord {
            record_id: self.record_id.clone(),
            app: self.app.clone(),
            user: self.user_id.clone(),
            version: self.version.clone(),
            sha256: self.sha256.clone(),
            action,
            state: action.resulting_state(),
            channel: self.channel()?,
            recorded_at: self.recorded_at.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
            receipt: None,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::clock::rfc3339_ms;

    /// `n` linked `accept` rows of one user.
    pub(in crate::ledger) fn chain(n: usize) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        for i in 0..n {
            let mut row = Row {
                seq: i as i64 + 1,
                record_id: format!("{:032x}", i),
                app: "a".into(),
                user_id: "u".into(),
                format: FORMAT_V2,
                subject: "s".repeat(32),
                version: format!("v{i}"),
                sha256: "f".repeat(64),
                action: "accept".into(),
                channel: "browser".into(),
                recorded_at: rfc3339_ms(i as i64),
                prev_hash: rows.last().map_or(GENESIS.into(), |r| r.hash.clone()),
                hash: String::new(),
                key_id: None,
                mac: None,
            };
            row.hash = row.fields().hash();
            rows.push(row);
        }
        rows
    }

    #[test]
    fn encoding_is_unambiguous() {
        let mut a = chain(1).remove(0);
        let mut b = a.clone();
        a.app = "ab".into();
        a.subject = "c".into();
        b.app = "a".into();
        b.subject = "bc".into();
        assert_ne!(a.fields().encode(), b.fields().encode());
        assert_ne!(a.fields().hash(), b.fields().hash());
    }

    #[test]
    fn the_lookup_column_is_outside_a_v2_hash_and_the_format_is_inside() {
        let a = chain(1).remove(0);
        let mut b = a.clone();
        b.user_id = a.subject.clone();
        assert_eq!(a.fields().hash(), b.fields().hash());
        b.format = FORMAT_V1;
        assert_ne!(a.fields().hash(), b.fields().hash());
    }

    #[test]
    fn an_unknown_action_or_channel_is_an_error_not_a_default() {
        let mut row = chain(1).remove(0);
        assert!(row.to_wire().is_ok());
        row.action = "agree".into();
        assert!(matches!(row.to_wire(), Err(Error::Unreadable(m)) if m.contains("\"agree\"")));
        let mut row = chain(1).remove(0);
        row.channel = "carrier-pigeon".into();
        assert!(matches!(row.to_wire(), Err(Error::Unreadable(_))));
    }
}
