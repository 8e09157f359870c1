//! Consent rules: given an app's published versions, a user's latest
//! decision (accept or withdraw) and any "Not now" since, where does the user
//! stand and must the app ask again? And what may be recorded next: an
//! answer is checked against the current version ([`Answer::from_request`]),
//! against the user's verdict ([`may_defer`]) and, at write time, against
//! their latest decision ([`record`]). The ledger only links what these
//! rules allow into its hash chain.

use crate::schedule::Schedule;
use crate::wire::{
    ConsentAction, ConsentRequest, ConsentState, ConsentStatus, NewerVersion, PolicyMeta,
};

/// The parts of a user's latest decision (accept or withdraw) the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latest<'a> {
    /// Accept or withdraw.
    pub action: ConsentAction,
    /// The version the record names.
    pub version: &'a str,
    /// The content hash the record names.
    pub sha256: &'a str,
    /// When it was recorded (RFC 3339).
    pub at: &'a str,
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

/// Evaluates a user's standing on the day `schedule` was made for (the
/// app's published versions, those in force and the upcoming ones); `latest`
/// is the user's latest decision and `deferral` their latest "Not now" if it
/// came after that decision.
///
/// An acceptance of an upcoming version (agreed early, [`Answer::is_early`])
/// stands for the current version too: it is only taken from a user who had
/// agreed to what is in force ([`may_record`]), and on the upcoming
/// version's effective day it is already the acceptance of the current one,
/// so that user is not asked again while everyone else is.
///
/// An acceptance counts for a version only when the hash matches too: if a
/// version's text changed after the user agreed to it, they agreed to
/// something else, and every material version counts as newer. A deferral
/// is reported only while the app must ask and it names the current
/// version's exact text: putting off an older question is not an answer to
/// the one asked now.
pub fn evaluate(
    schedule: Schedule<'_>,
    latest: Option<Latest<'_>>,
    deferral: Option<Deferral<'_>>,
) -> ConsentStatus {
    let mut status = decided(schedule, latest);
    status.decided_at = latest.map(|l| l.at.to_owned());
    let current = schedule.current();
    if let Some(d) = deferral.filter(|d| {
        status.needs_reconsent
            && current.is_some_and(|c| c.version == d.version && c.sha256 == d.sha256)
    }) {
        status.deferred_version = Some(d.version.to_owned());
        status.deferred_at = Some(d.at.to_owned());
    }
    status
}

fn decided(schedule: Schedule<'_>, latest: Option<Latest<'_>>) -> ConsentStatus {
    let Some(latest) = latest else {
        return refused(ConsentState::Never);
    };
    if latest.action != ConsentAction::Accept {
        return refused(ConsentState::Withdrawn);
    }
    let in_force = schedule.in_force();
    let position = schedule
        .published()
        .iter()
        .position(|m| m.version == latest.version && m.sha256 == latest.sha256);
    // An upcoming version accepted early leaves nothing newer in force.
    let newer = match position {
        Some(i) => in_force.get(i + 1..).unwrap_or_default(),
        None => in_force,
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
        decided_at: None,
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
        decided_at: None,
    }
}

/// What a user answers, once the request naming it has been read: the
/// version and text of `defer` are the current ones; `accept` names the
/// current version or, agreed early, the upcoming one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Agree to the current version, or early to the upcoming one.
    Accept {
        /// Version name.
        version: String,
        /// Its content hash.
        sha256: String,
    },
    /// Withdraw the standing acceptance; when given, it must be of this
    /// version and text.
    Withdraw {
        /// Expected version.
        version: Option<String>,
        /// Expected content hash.
        sha256: Option<String>,
    },
    /// "Not now" for the current version.
    Defer {
        /// Version name.
        version: String,
        /// Its content hash.
        sha256: String,
    },
}

/// Why an answer cannot be recorded. Nothing is written for a refused answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `accept` and `defer` need this field (`version` or `sha256`).
    Missing(&'static str),
    /// The app has no published version to answer about.
    NoCurrentVersion,
    /// The answer names another version or text than the current one,
    /// which is this.
    NotCurrent {
        /// The current version.
        version: String,
        /// Its content hash.
        sha256: String,
    },
    /// "Not now" for a version the verdict does not ask about: the user
    /// agreed to what it requires.
    NothingRequired {
        /// The version named.
        version: String,
    },
    /// "Not now" for the very version and text the user's latest decision
    /// accepts.
    AlreadyAgreed {
        /// The version named.
        version: String,
    },
    /// An early acceptance of the upcoming version from a user who has not
    /// agreed to the version in force: they are asked about that one first.
    CurrentFirst {
        /// The current version.
        current: String,
        /// The upcoming version named.
        upcoming: String,
    },
    /// `withdraw` when the latest decision is not an acceptance.
    NoStandingConsent,
    /// `withdraw` naming another version or text than the standing acceptance's.
    NotTheStandingConsent {
        /// The version the standing acceptance is of.
        standing: String,
    },
}

impl Answer {
    /// Reads a request: `defer` must name the current version of
    /// `schedule` by version and hash, `accept` the current or the upcoming
    /// one; `withdraw` is read as it is and checked against the chain by
    /// [`record`].
    pub fn from_request(schedule: Schedule<'_>, req: ConsentRequest) -> Result<Answer, Refusal> {
        let named = |version: Option<String>, sha256: Option<String>, early: bool| {
            let version = version.ok_or(Refusal::Missing("version"))?;
            let sha256 = sha256.ok_or(Refusal::Missing("sha256"))?;
            let current = schedule.current().ok_or(Refusal::NoCurrentVersion)?;
            let is = |m: &PolicyMeta| version == m.version && sha256 == m.sha256;
            let named_upcoming = early && schedule.upcoming().is_some_and(is);
            if !(is(current) || named_upcoming) {
                return Err(Refusal::NotCurrent {
                    version: current.version.clone(),
                    sha256: current.sha256.clone(),
                });
            }
            Ok((version, sha256))
        };
        Ok(match req.action {
            ConsentAction::Accept => {
                let (version, sha256) = named(req.version, req.sha256, true)?;
                Answer::Accept { version, sha256 }
            }
            ConsentAction::Defer => {
                let (version, sha256) = named(req.version, req.sha256, false)?;
                Answer::Defer { version, sha256 }
            }
            ConsentAction::Withdraw => Answer::Withdraw {
                version: req.version,
                sha256: req.sha256,
            },
        })
    }
}

impl Answer {
    /// Whether this is an acceptance of `schedule`'s upcoming version, given
    /// before it takes effect.
    pub fn is_early(&self, schedule: Schedule<'_>) -> bool {
        matches!(self, Answer::Accept { version, .. } if schedule.is_upcoming(version))
    }

    /// Whether [`may_record`] needs the user's verdict to judge this answer.
    pub fn needs_verdict(&self, schedule: Schedule<'_>) -> bool {
        matches!(self, Answer::Defer { .. }) || self.is_early(schedule)
    }
}

/// "Not now" is an answer only while the user must be asked: refused when
/// `status` (the user's verdict) needs no new consent. Other answers pass.
pub fn may_defer(answer: &Answer, status: &ConsentStatus) -> Result<(), Refusal> {
    match answer {
        Answer::Defer { version, .. } if !status.needs_reconsent => Err(Refusal::NothingRequired {
            version: version.clone(),
        }),
        _ => Ok(()),
    }
}

/// Checks an answer against the user's verdict `status` on the day of
/// `schedule`: "Not now" as [`may_defer`] says, and an early acceptance of
/// the upcoming version only from a user who stands agreed to the version
/// in force (so an early acceptance never stands in for a consent to the
/// current text that was never given).
pub fn may_record(
    answer: &Answer,
    schedule: Schedule<'_>,
    status: &ConsentStatus,
) -> Result<(), Refusal> {
    may_defer(answer, status)?;
    match (answer, schedule.current()) {
        (Answer::Accept { version, .. }, Some(current))
            if answer.is_early(schedule) && status.needs_reconsent =>
        {
            Err(Refusal::CurrentFirst {
                current: current.version.clone(),
                upcoming: version.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// A record the rules allow, before the ledger links it into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The event.
    pub action: ConsentAction,
    /// The version it refers to.
    pub version: String,
    /// That version's content hash.
    pub sha256: String,
}

/// What `answer` records given the user's latest decision (`None` when they
/// never decided), checked when it is written so that nothing can change
/// the decision in between: a `defer` of the version and text the decision
/// already accepts is refused, and `withdraw` refers to the accepted version
/// (and must match the one named, if any).
pub fn record(answer: &Answer, latest: Option<Latest<'_>>) -> Result<Entry, Refusal> {
    let entry = |action, version: &str, sha256: &str| Entry {
        action,
        version: version.to_owned(),
        sha256: sha256.to_owned(),
    };
    let accepted = latest.filter(|l| l.action == ConsentAction::Accept);
    match answer {
        Answer::Accept { version, sha256 } => Ok(entry(ConsentAction::Accept, version, sha256)),
        Answer::Defer { version, sha256 } => {
            if accepted.is_some_and(|l| l.version == version && l.sha256 == sha256) {
                return Err(Refusal::AlreadyAgreed {
                    version: version.clone(),
                });
            }
            Ok(entry(ConsentAction::Defer, version, sha256))
        }
        Answer::Withdraw { version, sha256 } => {
            let standing = accepted.ok_or(Refusal::NoStandingConsent)?;
            let differs = version.as_ref().is_some_and(|v| v != standing.version)
                || sha256.as_ref().is_some_and(|s| s != standing.sha256);
            if differs {
                return Err(Refusal::NotTheStandingConsent {
                    standing: standing.version.to_owned(),
                });
            }
            Ok(entry(
                ConsentAction::Withdraw,
                standing.version,
                standing.sha256,
            ))
        }
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

    /// The versions as they stand on a day when all of them are in force.
    fn now(versions: &[PolicyMeta]) -> Schedule<'_> {
        Schedule::on(versions, crate::wire::Date::new(2030, 1, 1).unwrap())
    }

    fn accept<'a>(version: &'a str, sha256: &'a str) -> Option<Latest<'a>> {
        Some(Latest {
            action: ConsentAction::Accept,
            version,
            sha256,
            at: "2030-01-01T00:00:00.000Z",
        })
    }

    #[test]
    fn never_and_withdrawn_need_consent() {
        let versions = [meta("1", true)];
        let never = evaluate(now(&versions), None, None);
        assert_eq!(never.consent, ConsentState::Never);
        assert!(never.needs_reconsent && never.limited_mode);
        let withdrawn = evaluate(
            now(&versions),
            Some(Latest {
                action: ConsentAction::Withdraw,
                version: "1",
                sha256: "1-hash",
                at: "2030-01-01T00:00:00.000Z",
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
        let s = evaluate(now(&versions), accept("2", "2-hash"), None);
        assert_eq!(s.consent, ConsentState::Current);
        assert_eq!(s.consented_version.as_deref(), Some("2"));
        assert!(!s.needs_reconsent && !s.limited_mode);
        assert!(s.newer_material.is_empty());
    }

    #[test]
    fn only_material_newer_versions_require_reconsent() {
        let versions = [meta("1", true), meta("2", false), meta("3", true)];
        let s = evaluate(now(&versions), accept("1", "1-hash"), None);
        assert_eq!(s.consent, ConsentState::Outdated);
        assert!(s.needs_reconsent);
        assert_eq!(
            s.newer_material,
            [NewerVersion {
                version: "3".into(),
                summary: Some("changes in 3".into())
            }]
        );
        let minor = evaluate(now(&versions[..2]), accept("1", "1-hash"), None);
        assert_eq!(minor.consent, ConsentState::Outdated);
        assert!(!minor.needs_reconsent && !minor.limited_mode);
    }

    #[test]
    fn a_changed_text_counts_as_not_agreed() {
        let versions = [meta("1", true)];
        let s = evaluate(now(&versions), accept("1", "other-hash"), None);
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
            let s = evaluate(now(&versions), latest, deferral("2", "2-hash"));
            assert!(s.needs_reconsent && s.limited_mode);
            assert_eq!(s.deferred_version.as_deref(), Some("2"));
            assert_eq!(s.deferred_at.as_deref(), Some("2030-01-02T03:04:05.678Z"));
        }
        let s = evaluate(
            now(&versions),
            accept("1", "1-hash"),
            deferral("2", "2-hash"),
        );
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
        let older = evaluate(
            now(&versions),
            accept("1", "1-hash"),
            deferral("2", "2-hash"),
        );
        assert_eq!(
            older.deferred_version, None,
            "version 3 was not asked about yet"
        );
        let changed = evaluate(now(&versions), None, deferral("3", "old-hash"));
        assert_eq!(changed.deferred_at, None, "the text changed since");
        let agreed = evaluate(
            now(&versions),
            accept("3", "3-hash"),
            deferral("3", "3-hash"),
        );
        assert!(!agreed.needs_reconsent);
        assert_eq!(agreed.deferred_version, None, "nothing is pending");
    }

    #[test]
    fn the_date_of_the_latest_decision_is_reported() {
        let versions = [meta("1", true), meta("2", true)];
        assert_eq!(evaluate(now(&versions), None, None).decided_at, None);
        let s = evaluate(
            now(&versions),
            accept("1", "1-hash"),
            deferral("2", "2-hash"),
        );
        assert_eq!(s.decided_at.as_deref(), Some("2030-01-01T00:00:00.000Z"));
    }

    fn request(
        action: ConsentAction,
        version: Option<&str>,
        sha256: Option<&str>,
    ) -> ConsentRequest {
        ConsentRequest {
            version: version.map(str::to_owned),
            sha256: sha256.map(str::to_owned),
            action,
        }
    }

    #[test]
    fn accept_and_defer_must_name_the_current_text() {
        let current = [meta("2", true)];
        for action in [ConsentAction::Accept, ConsentAction::Defer] {
            let read = |v, s| Answer::from_request(now(&current), request(action, v, s));
            assert_eq!(read(None, Some("2-hash")), Err(Refusal::Missing("version")));
            assert_eq!(read(Some("2"), None), Err(Refusal::Missing("sha256")));
            let stale = Err(Refusal::NotCurrent {
                version: "2".into(),
                sha256: "2-hash".into(),
            });
            assert_eq!(read(Some("1"), Some("1-hash")), stale);
            assert_eq!(read(Some("2"), Some("other")), stale);
            assert!(read(Some("2"), Some("2-hash")).is_ok());
            let none = Answer::from_request(now(&[]), request(action, Some("2"), Some("2-hash")));
            assert_eq!(none, Err(Refusal::NoCurrentVersion));
        }
        let withdraw = Answer::from_request(now(&[]), request(ConsentAction::Withdraw, None, None));
        assert_eq!(
            withdraw,
            Ok(Answer::Withdraw {
                version: None,
                sha256: None
            })
        );
    }

    /// 1 in force since 2026-01-01, 2 announced for 2026-12-15.
    fn announced() -> [PolicyMeta; 2] {
        let day = |s| Some(crate::wire::Date::try_from(s).unwrap());
        let mut v = [meta("1", true), meta("2", true)];
        v[0].effective = day("2026-01-01");
        v[1].published = day("2026-11-29");
        v[1].effective = day("2026-12-15");
        v
    }

    fn on<'a>(versions: &'a [PolicyMeta], today: &str) -> Schedule<'a> {
        Schedule::on(versions, crate::wire::Date::try_from(today).unwrap())
    }

    #[test]
    fn an_upcoming_version_may_be_accepted_early_by_a_user_who_agreed_to_the_current_one() {
        let v = announced();
        let before = on(&v, "2026-12-14");
        let early = Answer::from_request(
            before,
            request(ConsentAction::Accept, Some("2"), Some("2-hash")),
        )
        .unwrap();
        assert!(early.is_early(before) && early.needs_verdict(before));
        // Not "Not now" for a version nobody is asked about yet.
        assert_eq!(
            Answer::from_request(
                before,
                request(ConsentAction::Defer, Some("2"), Some("2-hash"))
            ),
            Err(Refusal::NotCurrent {
                version: "1".into(),
                sha256: "1-hash".into()
            })
        );
        let agreed = evaluate(before, accept("1", "1-hash"), None);
        assert_eq!(may_record(&early, before, &agreed), Ok(()));
        for first_time in [
            evaluate(before, None, None),
            evaluate(before, accept("0", "0-hash"), None),
        ] {
            assert_eq!(
                may_record(&early, before, &first_time),
                Err(Refusal::CurrentFirst {
                    current: "1".into(),
                    upcoming: "2".into()
                })
            );
        }
        // Agreed early: nothing to ask, before and on the effective day.
        for today in ["2026-12-14", "2026-12-15"] {
            let s = evaluate(on(&v, today), accept("2", "2-hash"), None);
            assert_eq!(s.consent, ConsentState::Current, "{today}");
            assert!(!s.needs_reconsent && !s.limited_mode, "{today}");
        }
        // Agreed to 1 only: asked on 2's effective day, not before.
        let s = evaluate(before, accept("1", "1-hash"), None);
        assert!(s.consent == ConsentState::Current && !s.needs_reconsent);
        let s = evaluate(on(&v, "2026-12-15"), accept("1", "1-hash"), None);
        assert_eq!(s.consent, ConsentState::Outdated);
        assert!(s.needs_reconsent);
        assert_eq!(s.newer_material[0].version, "2");
        // On the effective day, accepting 2 is no longer early.
        let after = on(&v, "2026-12-15");
        let answer = Answer::from_request(
            after,
            request(ConsentAction::Accept, Some("2"), Some("2-hash")),
        )
        .unwrap();
        assert!(!answer.is_early(after));
    }

    #[test]
    fn not_now_only_while_the_user_must_be_asked() {
        let versions = [meta("1", true), meta("2", false)];
        let defer = Answer::Defer {
            version: "2".into(),
            sha256: "2-hash".into(),
        };
        let agreed = evaluate(now(&versions), accept("1", "1-hash"), None);
        assert_eq!(
            may_defer(&defer, &agreed),
            Err(Refusal::NothingRequired {
                version: "2".into()
            })
        );
        assert_eq!(
            may_defer(&defer, &evaluate(now(&versions), None, None)),
            Ok(())
        );
        let accept_answer = Answer::Accept {
            version: "2".into(),
            sha256: "2-hash".into(),
        };
        assert_eq!(may_defer(&accept_answer, &agreed), Ok(()));
    }

    #[test]
    fn what_is_recorded_follows_the_latest_decision() {
        let defer = Answer::Defer {
            version: "2".into(),
            sha256: "2-hash".into(),
        };
        assert_eq!(
            record(&defer, accept("2", "2-hash")),
            Err(Refusal::AlreadyAgreed {
                version: "2".into()
            })
        );
        assert_eq!(
            record(&defer, accept("1", "1-hash")).map(|e| e.action),
            Ok(ConsentAction::Defer)
        );
        let withdraw = |version: Option<&str>| Answer::Withdraw {
            version: version.map(str::to_owned),
            sha256: None,
        };
        assert_eq!(
            record(&withdraw(None), None),
            Err(Refusal::NoStandingConsent)
        );
        assert_eq!(
            record(&withdraw(Some("2")), accept("1", "1-hash")),
            Err(Refusal::NotTheStandingConsent {
                standing: "1".into()
            })
        );
        assert_eq!(
            record(&withdraw(None), accept("1", "1-hash")),
            Ok(Entry {
                action: ConsentAction::Withdraw,
                version: "1".into(),
                sha256: "1-hash".into()
            })
        );
        let withdrawn = Some(Latest {
            action: ConsentAction::Withdraw,
            version: "1",
            sha256: "1-hash",
            at: "2030-01-01T00:00:00.000Z",
        });
        assert_eq!(
            record(&withdraw(None), withdrawn),
            Err(Refusal::NoStandingConsent)
        );
    }
}
