//! Consent rules: given an app's published versions, a user's latest
//! decision (accept or withdraw) and any "Not now" since, where does the user
//! stand and must the app ask again?

use crate::wire::{ConsentAction, ConsentState, ConsentStatus, NewerVersion, PolicyMeta};

/// The parts of a user's latest decision (accept or withdraw) the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latest<'a> {
    /// Accept or withdraw.
    pub action: ConsentAction,
    /// The version the record names.
    pub version: &'a str,
    /// The content hash the record names.
    pub sha256: &'a str,
}

/// A user's latest "Not now", when it came after their latest decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferral<'a> {
    /// The version the user was asked about.
    pub version: &'a str,
    /// Its content hash.
    pub sha256: &'a str,
    /// When it was recorded (RFC 3339).
    pub at: &'a str,
}

/// Evaluates a user's standing. `published` is the app's published versions,
/// oldest first (the last is current); `latest` is the user's latest decision
/// and `deferral` their latest "Not now" if it came after that decision.
///
/// An acceptance counts for a version only when the hash matches too: if a
/// version's text changed after the user agreed to it, they agreed to
/// something else, and every material version counts as newer. A deferral
/// is reported only while the app must ask and it names the current
/// version's exact text: putting off an older question is not an answer to
/// the one asked now.
pub fn evaluate(
    published: &[PolicyMeta],
    latest: Option<Latest<'_>>,
    deferral: Option<Deferral<'_>>,
) -> ConsentStatus {
    let mut status = decided(published, latest);
    let current = published.last();
    if let Some(d) = deferral.filter(|d| {
        status.needs_reconsent
            && current.is_some_and(|c| c.version == d.version && c.sha256 == d.sha256)
    }) {
        status.deferred_version = Some(d.version.to_owned());
        status.deferred_at = Some(d.at.to_owned());
    }
    status
}

fn decided(published: &[PolicyMeta], latest: Option<Latest<'_>>) -> ConsentStatus {
    let Some(latest) = latest else {
        return refused(ConsentState::Never);
    };
    if latest.action != ConsentAction::Accept {
        return refused(ConsentState::Withdrawn);
    }
    let position = published
        .iter()
        .position(|m| m.version == latest.version && m.sha256 == latest.sha256);
    let newer = match position {
        Some(i) => &published[i + 1..],
        None => published,
    };
    let consent = if position.is_some() && newer.is_empty() {
        ConsentState::Current
    } else {
        ConsentState::Outdated
    };
    let newer_material: Vec<NewerVersion> = newer
        .iter()
        .filter(|m| m.material)
        .map(|m| NewerVersion {
            version: m.version.clone(),
            summary: m.summary.clone(),
        })
        .collect();
    let needs_reconsent = !newer_material.is_empty();
    ConsentStatus {
        consent,
        consented_version: Some(latest.version.to_owned()),
        needs_reconsent,
        newer_material,
        limited_mode: needs_reconsent,
        deferred_version: None,
        deferred_at: None,
    }
}

fn refused(consent: ConsentState) -> ConsentStatus {
    ConsentStatus {
        consent,
        consented_version: None,
        needs_reconsent: true,
        newer_material: Vec::new(),
        limited_mode: true,
        deferred_version: None,
        deferred_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::PolicyStatus;

    fn meta(version: &str, material: bool) -> PolicyMeta {
        PolicyMeta {
            version: version.to_owned(),
            title: "t".to_owned(),
            status: PolicyStatus::Published,
            published: None,
            effective: None,
            material,
            summary: Some(format!("changes in {version}")),
            sha256: format!("{version}-hash"),
        }
    }

    fn accept<'a>(version: &'a str, sha256: &'a str) -> Option<Latest<'a>> {
        Some(Latest {
            action: ConsentAction::Accept,
            version,
            sha256,
        })
    }

    #[test]
    fn never_and_withdrawn_need_consent() {
        let versions = [meta("1", true)];
        let never = evaluate(&versions, None, None);
        assert_eq!(never.consent, ConsentState::Never);
        assert!(never.needs_reconsent && never.limited_mode);
        let withdrawn = evaluate(
            &versions,
            Some(Latest {
                action: ConsentAction::Withdraw,
                version: "1",
                sha256: "1-hash",
            }),
            None,
        );
        assert_eq!(withdrawn.consent, ConsentState::Withdrawn);
        assert_eq!(withdrawn.consented_version, None);
        assert!(withdrawn.needs_reconsent);
    }

    #[test]
    fn accepting_the_current_version_is_current() {
        let versions = [meta("1", true), meta("2", true)];
        let s = evaluate(&versions, accept("2", "2-hash"), None);
        assert_eq!(s.consent, ConsentState::Current);
        assert_eq!(s.consented_version.as_deref(), Some("2"));
        assert!(!s.needs_reconsent && !s.limited_mode);
        assert!(s.newer_material.is_empty());
    }

    #[test]
    fn only_material_newer_versions_require_reconsent() {
        let versions = [meta("1", true), meta("2", false), meta("3", true)];
        let s = evaluate(&versions, accept("1", "1-hash"), None);
        assert_eq!(s.consent, ConsentState::Outdated);
        assert!(s.needs_reconsent);
        assert_eq!(
            s.newer_material,
            [NewerVersion {
                version: "3".into(),
                summary: Some("changes in 3".into())
            }]
        );
        let minor = evaluate(&versions[..2], accept("1", "1-hash"), None);
        assert_eq!(minor.consent, ConsentState::Outdated);
        assert!(!minor.needs_reconsent && !minor.limited_mode);
    }

    #[test]
    fn a_changed_text_counts_as_not_agreed() {
        let versions = [meta("1", true)];
        let s = evaluate(&versions, accept("1", "other-hash"), None);
        assert_eq!(s.consent, ConsentState::Outdated);
        assert!(s.needs_reconsent);
        assert_eq!(s.newer_material.len(), 1);
    }

    fn deferral<'a>(version: &'a str, sha256: &'a str) -> Option<Deferral<'a>> {
        Some(Deferral {
            version,
            sha256,
            at: "2030-01-02T03:04:05.678Z",
        })
    }

    #[test]
    fn not_now_on_the_current_version_is_reported_and_stays_limited() {
        let versions = [meta("1", true), meta("2", true)];
        for latest in [None, accept("1", "1-hash")] {
            let s = evaluate(&versions, latest, deferral("2", "2-hash"));
            assert!(s.needs_reconsent && s.limited_mode);
            assert_eq!(s.deferred_version.as_deref(), Some("2"));
            assert_eq!(s.deferred_at.as_deref(), Some("2030-01-02T03:04:05.678Z"));
        }
        let s = evaluate(&versions, accept("1", "1-hash"), deferral("2", "2-hash"));
        assert_eq!(s.consent, ConsentState::Outdated);
        assert_eq!(
            s.consented_version.as_deref(),
            Some("1"),
            "the old acceptance stands"
        );
    }

    #[test]
    fn not_now_on_another_question_is_not_an_answer_to_this_one() {
        let versions = [meta("1", true), meta("2", true), meta("3", true)];
        let older = evaluate(&versions, accept("1", "1-hash"), deferral("2", "2-hash"));
        assert_eq!(
            older.deferred_version, None,
            "version 3 was not asked about yet"
        );
        let changed = evaluate(&versions, None, deferral("3", "old-hash"));
        assert_eq!(changed.deferred_at, None, "the text changed since");
        let agreed = evaluate(&versions, accept("3", "3-hash"), deferral("3", "3-hash"));
        assert!(!agreed.needs_reconsent);
        assert_eq!(agreed.deferred_version, None, "nothing is pending");
    }
}
