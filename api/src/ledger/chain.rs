//! The hash chain's own rules: which fields a record's hash covers, how they
//! are encoded, and a row as stored.

use privacy_center_core::wire::{Channel, ConsentAction, ConsentRecord};

use crate::error::{Error, Result};
use crate::identity::sha256_hex;

/// `prev_hash` of a user's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separates this hash from any other SHA-256 use and versions the encoding.
const DOMAIN: &[u8] = b"privacy-center consent record v1";

/// The columns of `consents` that make up a [`Row`], in its order.
pub(super) const COLUMNS: &str =
    "seq, record_id, app, user_id, version, sha256, action, channel, recorded_at, prev_hash, hash";

/// The fields a record's hash covers, in hashing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    /// Random record id.
    pub record_id: &'a str,
    /// App id.
    pub app: &'a str,
    /// User id.
    pub user_id: &'a str,
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
    /// The canonical encoding: the domain tag, then every field as an 8-byte
    /// big-endian length followed by its UTF-8 bytes. No two different
    /// records encode alike, whatever characters the fields contain.
    pub fn encode(&self) -> Vec<u8> {
        let parts = [
            self.record_id,
            self.app,
            self.user_id,
            self.version,
            self.sha256,
            self.action,
            self.channel,
            self.recorded_at,
            self.prev_hash,
        ];
        let mut out = Vec::with_capacity(DOMAIN.len() + 9 * 8 + 256);
        out.extend_from_slice(&(DOMAIN.len() as u64).to_be_bytes());
        out.extend_from_slice(DOMAIN);
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
    /// User id.
    pub user_id: String,
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
}

impl Row {
    /// The fields its hash covers.
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            record_id: &self.record_id,
            app: &self.app,
            user_id: &self.user_id,
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
                version: format!("v{i}"),
                sha256: "f".repeat(64),
                action: "accept".into(),
                channel: "browser".into(),
                recorded_at: rfc3339_ms(i as i64),
                prev_hash: rows.last().map_or(GENESIS.into(), |r| r.hash.clone()),
                hash: String::new(),
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
        a.user_id = "c".into();
        b.app = "a".into();
        b.user_id = "bc".into();
        assert_ne!(a.fields().encode(), b.fields().encode());
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
