//! Every app's handoff signing key and service token, and the secret files
//! they (and the staff credential) are generated into.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use subtle::ConstantTimeEq;

use super::{random_hex, KEYS_DIR, SECRET_BYTES};
use crate::error::{Error, Result};

/// One app's secrets.
pub(super) struct AppKeys {
    /// The handoff signing key.
    pub(super) hmac: Vec<u8>,
    /// The service token.
    pub(super) service: String,
}

/// Every app's handoff signing key and service token.
pub struct Keys {
    pub(super) apps: BTreeMap<String, AppKeys>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("apps", &self.apps.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The environment variable suffix for an app id: `vchat-lite` → `VCHAT_LITE`.
pub fn env_suffix(app: &str) -> String {
    app.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

impl Keys {
    /// Loads (generating where absent) the keys of every app, with secrets from
    /// `PRIVACY_CENTER_KEY_<APP>` / `PRIVACY_CENTER_SERVICE_TOKEN_<APP>` taking
    /// precedence over files in `<data_dir>/keys/`.
    pub fn load<'a>(data_dir: &Path, apps: impl IntoIterator<Item = &'a str>) -> Result<Keys> {
        Keys::load_with(data_dir, apps, |name| std::env::var(name).ok())
    }

    /// [`Keys::load`] with an explicit environment, for tests.
    pub fn load_with<'a>(
        data_dir: &Path,
        apps: impl IntoIterator<Item = &'a str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Keys> {
        let dir = data_dir.join(KEYS_DIR);
        let mut out = BTreeMap::new();
        for app in apps {
            let suffix = env_suffix(app);
            let key_var = format!("PRIVACY_CENTER_KEY_{suffix}");
            let hmac_hex = match env(&key_var) {
                Some(v) => v,
                None => file_secret(&dir, &format!("{app}.key"))?,
            };
            let hmac = hex::decode(hmac_hex.trim())
                .ok()
                .filter(|k| k.len() >= SECRET_BYTES)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "the signing key of {app:?} ({key_var} or keys/{app}.key) must be at least {SECRET_BYTES} bytes of hex"
                    ))
                })?;
            let token_var = format!("PRIVACY_CENTER_SERVICE_TOKEN_{suffix}");
            let service = match env(&token_var) {
                Some(v) => v,
                None => file_secret(&dir, &format!("{app}.service"))?,
            };
            let service = service.trim().to_owned();
            if service.len() < SECRET_BYTES || !service.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::Config(format!(
                    "the service token of {app:?} ({token_var} or keys/{app}.service) must be at least {SECRET_BYTES} printable characters"
                )));
            }
            out.insert(app.to_owned(), AppKeys { hmac, service });
        }
        Ok(Keys { apps: out })
    }

    /// Whether an app has keys.
    pub fn has_app(&self, app: &str) -> bool {
        self.apps.contains_key(app)
    }

    /// An app's service token, for `privacy-center token --service`.
    pub fn service_token(&self, app: &str) -> Option<&str> {
        self.apps.get(app).map(|k| k.service.as_str())
    }

    /// Whether `presented` is `app`'s service token (constant time).
    pub fn check_service_token(&self, app: &str, presented: &str) -> bool {
        // Comparing digests keeps the comparison constant-time in the length too.
        let Some(keys) = self.apps.get(app) else {
            return false;
        };
        let want = Sha256::digest(keys.service.as_bytes());
        let got = Sha256::digest(presented.as_bytes());
        want.ct_eq(&got).into()
    }
}

/// Reads a secret file, creating it with fresh random hex (mode 0600) when absent.
pub fn file_secret(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => return Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path)(e)),
    }
    create_private_dir(dir)?;
    // Written aside and hard-linked into place: a server and the CLI starting
    // together must end up with the same key, never a half-written one.
    let tmp = dir.join(format!(".{name}.{}", random_hex(8)));
    write_private(&tmp, &format!("{}\n", random_hex(SECRET_BYTES)))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::io(&path)(e)),
    }
    std::fs::read_to_string(&path).map_err(Error::io(&path))
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(Error::io(dir))
}

fn write_private(path: &Path, content: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(Error::io(path))?;
    file.write_all(content.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(Error::io(path))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Keys of the apps `a` and `b-c` in `dir`.
    pub(in crate::identity) fn keys(dir: &Path) -> Keys {
        Keys::load_with(dir, ["a", "b-c"], |_| None).unwrap()
    }

    #[test]
    fn keys_are_generated_once_private_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let first = keys(dir.path());
        let second = keys(dir.path());
        assert_eq!(first.service_token("a"), second.service_token("a"));
        let token = first.mint("b-c", "u", 60, 10).unwrap();
        assert!(second.verify(&token, 10).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys/a.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let env_key = "ab".repeat(32);
        let from_env = Keys::load_with(dir.path(), ["b-c"], |name| {
            (name == "PRIVACY_CENTER_KEY_B_C").then(|| env_key.clone())
        })
        .unwrap();
        assert!(
            from_env.verify(&token, 10).is_err(),
            "env key replaces the file"
        );
        let short = Keys::load_with(dir.path(), ["a"], |name| {
            (name == "PRIVACY_CENTER_KEY_A").then(|| "abcd".to_owned())
        });
        assert!(short.is_err());
        assert!(first.check_service_token("a", first.service_token("a").unwrap()));
        assert!(!first.check_service_token("b-c", first.service_token("a").unwrap()));
    }
}
