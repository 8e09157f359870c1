//! The ledger's keys, kept outside the database: each row's MAC, and the
//! Ed25519 signatures of checkpoints and receipts.
//!
//! A key is one secret (32+ bytes of hex) from which its MAC key, its
//! Ed25519 key pair and its id (derived from the public key, so every
//! instance given the same secret names it alike) are derived. The keyring
//! is `PRIVACY_CENTER_LEDGER_KEYS` (comma-separated, oldest first; for N
//! instances) or else `<data_dir>/keys/ledger.keys` (one per line, oldest
//! first, generated at first start). The newest key writes; older ones only
//! verify, so a rotation ([`rotate`]) keeps every old row checkable.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::identity::{file_secret, random_hex, KEYS_DIR, SECRET_BYTES};

/// The keyring file under `<data_dir>/keys/`.
pub const KEYS_FILE: &str = "ledger.keys";
/// The environment variable that replaces the keyring file.
pub const KEYS_ENV: &str = "PRIVACY_CENTER_LEDGER_KEYS";

type HmacSha256 = Hmac<Sha256>;

/// One key: its id, MAC key and signing key.
struct Key {
    id: String,
    mac: [u8; 32],
    signing: SigningKey,
}

impl Key {
    fn derive(secret: &[u8]) -> Key {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
            m.update(label);
            m.finalize().into_bytes().into()
        };
        let signing = SigningKey::from_bytes(&derive(b"privacy-center ledger signing key"));
        let mut id = Sha256::new();
        id.update(b"privacy-center ledger key id");
        id.update(signing.verifying_key().as_bytes());
        Key {
            id: hex::encode(id.finalize())[..16].to_owned(),
            mac: derive(b"privacy-center ledger mac key"),
            signing,
        }
    }
}

/// Every ledger key; the last one writes.
pub struct Keyring {
    keys: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.ids())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// Loads the keyring from [`KEYS_ENV`] or `<data_dir>/keys/ledger.keys`
    /// (generating the file's first key when absent).
    pub fn load(data_dir: &Path) -> Result<Keyring> {
        Keyring::load_with(data_dir, std::env::var(KEYS_ENV).ok())
    }

    /// [`Keyring::load`] with the environment's value given, for tests.
    pub fn load_with(data_dir: &Path, env: Option<String>) -> Result<Keyring> {
        let (text, source, separator) = match env {
            Some(v) => (v, KEYS_ENV.to_owned(), ','),
            None => (
                file_secret(&data_dir.join(KEYS_DIR), KEYS_FILE)?,
                format!("keys/{KEYS_FILE}"),
                '\n',
            ),
        };
        Keyring::parse(&text, separator, &source)
    }

    /// A keyring from secrets separated by `separator`, oldest first.
    fn parse(text: &str, separator: char, source: &str) -> Result<Keyring> {
        let keys = text
            .split(separator)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                hex::decode(s)
                    .ok()
                    .filter(|k| k.len() >= SECRET_BYTES)
                    .map(|k| Key::derive(&k))
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "every ledger key in {source} must be at least {SECRET_BYTES} bytes of hex"
                        ))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        if keys.is_empty() {
            return Err(Error::Config(format!("{source} holds no ledger key")));
        }
        Ok(Keyring { keys })
    }

    /// The key ids, oldest first.
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }

    /// The id of the key that writes.
    pub fn current_id(&self) -> &str {
        &self.current().id
    }

    fn current(&self) -> &Key {
        self.keys.last().expect("a keyring is never empty")
    }

    fn get(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Each key id with its Ed25519 public key (hex), oldest first: what
    /// someone needs to check a receipt or checkpoint without the server.
    pub fn public_keys(&self) -> Vec<(String, String)> {
        self.keys
            .iter()
            .map(|k| {
                (
                    k.id.clone(),
                    hex::encode(k.signing.verifying_key().as_bytes()),
                )
            })
            .collect()
    }

    /// The current key's id and its MAC of a row's hash (hex).
    pub fn mac(&self, row_hash: &str) -> (String, String) {
        let key = self.current();
        (key.id.clone(), mac_with(key, row_hash))
    }

    /// Whether `mac` is key `key_id`'s MAC of `row_hash`; `None` when the
    /// key is not in the keyring.
    pub fn check_mac(&self, key_id: &str, row_hash: &str, mac: &str) -> Option<bool> {
        let key = self.get(key_id)?;
        let want = mac_with(key, row_hash);
        Some(subtle::ConstantTimeEq::ct_eq(want.as_bytes(), mac.as_bytes()).into())
    }

    /// The current key's id and its Ed25519 signature of `message` (hex).
    pub fn sign(&self, message: &[u8]) -> (String, String) {
        let key = self.current();
        (
            key.id.clone(),
            hex::encode(key.signing.sign(message).to_bytes()),
        )
    }

    /// Whether `signature` is key `key_id`'s signature of `message`; `None`
    /// when the key is not in the keyring.
    pub fn check_signature(&self, key_id: &str, message: &[u8], signature: &str) -> Option<bool> {
        let key = self.get(key_id)?;
        Some(verify_with(
            &key.signing.verifying_key(),
            message,
            signature,
        ))
    }
}

fn mac_with(key: &Key, row_hash: &str) -> String {
    let mut m = HmacSha256::new_from_slice(&key.mac).expect("HMAC takes any key length");
    m.update(b"privacy-center ledger row v1");
    m.update(row_hash.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn verify_with(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Some(bytes) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
}

/// Adds a new key to `<data_dir>/keys/ledger.keys`, which then writes; the
/// older ones stay for verification. Running servers take it at their next
/// start. Refused when the keyring comes from [`KEYS_ENV`]: rotate there.
pub fn rotate(data_dir: &Path, env: Option<String>) -> Result<String> {
    if env.is_some() {
        return Err(Error::Config(format!(
            "the ledger keys come from {KEYS_ENV}: append a new secret there (oldest first) and restart every instance"
        )));
    }
    let dir = data_dir.join(KEYS_DIR);
    // Creates the file with its first key when there is none yet.
    Keyring::load_with(data_dir, None)?;
    let path = dir.join(KEYS_FILE);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(Error::io(&path))?;
    let line = format!("\n{}\n", random_hex(SECRET_BYTES));
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(Error::io(&path))?;
    Ok(Keyring::load_with(data_dir, None)?.current_id().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_writes_with_the_new_key_and_still_checks_the_old() {
        let dir = tempfile::tempdir().unwrap();
        let before = Keyring::load_with(dir.path(), None).unwrap();
        let (old_id, old_mac) = before.mac(&"a".repeat(64));
        let (_, sig) = before.sign(b"m");
        let new_id = rotate(dir.path(), None).unwrap();
        assert_ne!(new_id, old_id);
        let after = Keyring::load_with(dir.path(), None).unwrap();
        assert_eq!(after.ids(), [old_id.as_str(), new_id.as_str()]);
        assert_eq!(after.mac(&"a".repeat(64)).0, new_id);
        assert_eq!(
            after.check_mac(&old_id, &"a".repeat(64), &old_mac),
            Some(true)
        );
        assert_eq!(
            after.check_mac(&old_id, &"b".repeat(64), &old_mac),
            Some(false)
        );
        assert_eq!(after.check_signature(&old_id, b"m", &sig), Some(true));
        assert_eq!(after.check_signature(&old_id, b"n", &sig), Some(false));
        assert_eq!(after.check_mac("0123456789abcdef", "x", "y"), None);
    }

    #[test]
    fn the_same_secret_gives_the_same_key_on_every_instance() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "ab".repeat(32);
        let one = Keyring::load_with(dir.path(), Some(secret.clone())).unwrap();
        let two = Keyring::load_with(dir.path(), Some(format!(" {secret} "))).unwrap();
        assert_eq!(one.ids(), two.ids());
        assert!(
            !dir.path().join(KEYS_DIR).exists(),
            "the env replaces the file"
        );
        assert!(Keyring::load_with(dir.path(), Some("abcd".into())).is_err());
        assert!(rotate(dir.path(), Some(secret)).is_err());
    }
}
