//! Account cancellation in the store: requests and their two clocks
//! (`core::calendar`), withdrawal (by the user, or by signing in again), and
//! the scheduler that finalises due requests.
//!
//! Finalising one request is one `BEGIN IMMEDIATE` transaction: the
//! account's data is deleted ([`erase_user`]), its ledger rows are
//! pseudonymised, the request is marked completed and the feed says so. A
//! crash anywhere before COMMIT leaves the old state (SQLite rolls the
//! transaction back), and the next run does it all again. Which instance
//! finalises a request is decided by a lease (`claimed_by`,
//! `lease_until_ms`): claiming is a single conditional UPDATE, so two
//! instances never both take the same request, and the finalising
//! transaction checks the claim again, so a claim that ran out and was
//! taken over cannot complete twice.

use crate::store::{on, on_db, AsConn, Db, Engine, Store};
use privacy_center_core::calendar::{LEGAL_WORKING_DAYS, LOG_KEEP_DAYS};
use privacy_center_core::wire::{
    AccountChange, AccountEvent, AccountState, AccountStatus, CancellationStatus, ChangeData,
    Channel, Date, PendingCancellation, WithdrawnBy, WithdrawnCancellation,
};
use std::sync::Arc;
use std::time::Duration;

use crate::catalog::{App, Live};
use crate::clock::{rfc3339_ms, Clock};
use crate::error::{Error, Result};
use crate::identity::{random_hex, SessionCache};
use crate::ledger::Ledger;
use crate::settings::insert_feed;

/// How recent a sign-in must be to request a cancellation: a handoff from
/// the app within this long, not an old session.
pub const REVERIFY_MS: i64 = 5 * 60 * 1000;

/// How long a scheduler's claim on a request holds.
pub const LEASE_MS: i64 = 60_000;

const DAY_MS: i64 = 86_400_000;

/// How often the scheduler looks for due requests (and the dev clock route
/// wakes it at once).
pub const TICK: Duration = Duration::from_secs(2);

/// Requests one scheduler run finalises at most.
const BATCH: i64 = 50;

/// What cancellation needs of the server's state.
#[derive(Debug, Clone)]
pub struct Cancellations {
    /// The database.
    pub store: Store,
    /// Apps (cooling-off, conditions) and the working-day calendar.
    pub catalog: Live,
    /// The clock requests and the scheduler read.
    pub clock: Clock,
    /// Sessions in memory: a finalised account's are dropped.
    pub sessions: Arc<SessionCache>,
    /// The ledger: a finalised account's chain head is dropped.
    pub ledger: Ledger,
    /// Wakes the scheduler (the dev clock route, after moving the clock).
    pub wake: Arc<tokio::sync::Notify>,
}

/// One stored request.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Request {
    id: i64,
    state: String,
    requested_ms: i64,
    due_ms: i64,
    deadline_ms: i64,
    deadline_date: String,
    ended_ms: Option<i64>,
    withdrawn_by: Option<String>,
    fresh_ms: Option<i64>,
}

const REQUEST_COLUMNS: &str = "id, state, requested_ms, due_ms, deadline_ms, deadline_date, \
     ended_ms, withdrawn_by, fresh_ms";

/// A user's latest request of each kind that matters: the open one (if
/// any), the latest withdrawn and the latest completed.
async fn latest(pool: &Db, app: &str, user: &str) -> Result<Vec<Request>> {
    Ok(on_db!(pool, c => sqlx::query_as(&format!(
        "SELECT {REQUEST_COLUMNS} FROM cancellations WHERE id IN (\
           SELECT max(id) FROM cancellations WHERE app = $1 AND user_id = $2 GROUP BY state)"
    ))
    .bind(app)
    .bind(user)
    .fetch_all(c).await)?)
}

impl Cancellations {
    /// The user's page: their request (if any), the app's rules, and
    /// whether the session that asks is fresh enough to make a request.
    pub async fn status(
        &self,
        app: &App,
        user: &str,
        session_started_ms: i64,
    ) -> Result<CancellationStatus> {
        let rows = latest(self.store.pool(), &app.config.id, user).await?;
        let open = rows
            .iter()
            .find(|r| r.state == "pending" || r.state == "erasing");
        let completed_at = rows
            .iter()
            .filter(|r| r.state == "completed")
            .filter_map(|r| r.ended_ms)
            .max();
        // A request withdrawn before the account was last cancelled belongs
        // to the old account.
        let withdrawn = rows
            .iter()
            .filter(|r| r.state == "withdrawn")
            .find(|r| completed_at.is_none_or(|c| r.requested_ms > c))
            .and_then(|r| {
                Some(WithdrawnCancellation {
                    requested_at: rfc3339_ms(r.requested_ms),
                    withdrawn_at: rfc3339_ms(r.ended_ms?),
                    by: match r.withdrawn_by.as_deref()? {
                        "sign_in" => WithdrawnBy::SignIn,
                        _ => WithdrawnBy::User,
                    },
                })
            });
        let verified_until = session_started_ms + REVERIFY_MS;
        let verified = crate::clock::now_ms() < verified_until;
        Ok(CancellationStatus {
            state: if open.is_some() {
                AccountState::Pending
            } else {
                AccountState::Active
            },
            pending: open.map(pending_of).transpose()?,
            withdrawn,
            cooling_off_days: app.config.cancellation.cooling_off_days,
            legal_working_days: LEGAL_WORKING_DAYS,
            conditions: app.config.cancellation.conditions.clone(),
            verified,
            verified_until: verified.then(|| rfc3339_ms(verified_until)),
            now: rfc3339_ms(self.clock.now_ms()),
        })
    }

    /// Makes a request: the session must be fresh (signed in from the app
    /// within [`REVERIFY_MS`]) and no request may be open.
    pub async fn request(
        &self,
        app: &App,
        user: &str,
        channel: Channel,
        session_started_ms: i64,
    ) -> Result<()> {
        if crate::clock::now_ms() >= session_started_ms + REVERIFY_MS {
            return Err(Error::ReverifyRequired(
                "cancelling your account needs a fresh sign-in: open this page again from the app"
                    .into(),
            ));
        }
        let now = self.clock.now_ms();
        let plan = self
            .catalog
            .get()
            .calendar()
            .plan(now, app.config.cancellation.cooling_off_days);
        let mut tx = self.store.begin_write().await?;
        let inserted = on!(&mut tx, c => sqlx::query(
            "INSERT INTO cancellations (app, user_id, state, requested_ms, due_ms, deadline_ms, \
             deadline_date, channel) VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7)",
        )
        .bind(&app.config.id)
        .bind(user)
        .bind(now)
        .bind(plan.due_ms)
        .bind(plan.deadline_ms)
        .bind(plan.deadline_date.to_string())
        .bind(channel.as_str())
        .execute(c)
        .await
        .map(drop));
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(Error::AlreadyRequested(
                    "your account is already due to be cancelled; withdraw that request to keep it"
                        .into(),
                ))
            }
            Err(e) => return Err(e.into()),
        }
        let change = AccountChange {
            event: AccountEvent::Requested,
            due_at: Some(rfc3339_ms(plan.due_ms)),
            deadline_at: Some(rfc3339_ms(plan.deadline_ms)),
        };
        feed(&mut tx, &app.config.id, user, now, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user withdraws their pending request.
    pub async fn withdraw(&self, app: &str, user: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        let now = self.clock.now_ms();
        if !end_pending(&mut tx, app, user, now, "user").await? {
            return Err(Error::NothingToCancel(
                "there is no pending cancellation to withdraw".into(),
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Finalises every request due by the clock's time that no live claim
    /// holds, as scheduler `worker`; answers how many it completed.
    pub async fn run_due(&self, worker: &str) -> Result<usize> {
        self.run_due_failing(worker, None).await
    }

    /// [`Cancellations::run_due`], failing at `fail` inside each
    /// finalisation (tests: a crash at that point).
    pub async fn run_due_failing(&self, worker: &str, fail: Option<FailPoint>) -> Result<usize> {
        let now = self.clock.now_ms();
        let due: Vec<i64> = on_db!(self.store.pool(), c => sqlx::query_scalar(
            "SELECT id FROM cancellations WHERE state = 'pending' AND due_ms <= $1 \
             AND (lease_until_ms IS NULL OR lease_until_ms <= $2) ORDER BY due_ms LIMIT $3",
        )
        .bind(now)
        .bind(now)
        .bind(BATCH)
        .fetch_all(c).await)?;
        let mut done = 0;
        for id in due {
            if self.claim(id, worker, now).await? && self.finalise(id, worker, fail).await? {
                done += 1;
            }
        }
        self.delete_expired_logs(now).await?;
        Ok(done)
    }

    /// Deletes the feed rows of accounts completed more than
    /// [`LOG_KEEP_DAYS`] before `now`, up to each one's `completed` row;
    /// answers how many rows went. Idempotent, so any instance may run it.
    pub async fn delete_expired_logs(&self, now: i64) -> Result<u64> {
        let cutoff = now - LOG_KEEP_DAYS * DAY_MS;
        // Most runs find nothing: look before taking the write turn.
        let expired: Option<i64> = on_db!(self.store.pool(), c => sqlx::query_scalar(
            "SELECT id FROM cancellations WHERE state = 'completed' AND logs_deleted_ms IS NULL \
             AND completed_seq IS NOT NULL AND ended_ms <= $1 LIMIT 1",
        )
        .bind(cutoff)
        .fetch_optional(c).await)?;
        if expired.is_none() {
            return Ok(0);
        }
        let mut tx = self.store.begin_write().await?;
        let deleted = on!(&mut tx, c => sqlx::query(
            "DELETE FROM changes WHERE seq IN (SELECT ch.seq FROM cancellations c \
             JOIN changes ch ON ch.app = c.app AND ch.user_id = c.user_id AND ch.seq <= c.completed_seq \
             WHERE c.state = 'completed' AND c.logs_deleted_ms IS NULL AND c.ended_ms <= $1)",
        )
        .bind(cutoff)
        .execute(c).await.map(|r| r.rows_affected()))?;
        let accounts = on!(&mut tx, c => sqlx::query(
            "UPDATE cancellations SET logs_deleted_ms = $1 WHERE state = 'completed' \
             AND logs_deleted_ms IS NULL AND completed_seq IS NOT NULL AND ended_ms <= $2",
        )
        .bind(now)
        .bind(cutoff)
        .execute(c).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        if accounts > 0 {
            tracing::info!(
                accounts,
                rows = deleted,
                "deleted the logs of cancelled accounts past their keeping time"
            );
        }
        Ok(deleted)
    }

    /// Takes request `id` for `worker` unless another live claim holds it.
    pub async fn claim(&self, id: i64, worker: &str, now: i64) -> Result<bool> {
        let claimed = on_db!(self.store.pool(), c => sqlx::query(
            "UPDATE cancellations SET claimed_by = $1, lease_until_ms = $2 \
             WHERE id = $3 AND state = 'pending' AND due_ms <= $4 \
             AND (lease_until_ms IS NULL OR lease_until_ms <= $5)",
        )
        .bind(worker)
        .bind(now + LEASE_MS)
        .bind(id)
        .bind(now)
        .bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
        Ok(claimed == 1)
    }

    /// Completes request `id` claimed by `worker`, in one transaction;
    /// answers false (and changes nothing) if it is no longer pending or
    /// no longer `worker`'s.
    async fn finalise(&self, id: i64, worker: &str, fail: Option<FailPoint>) -> Result<bool> {
        let mut tx = self.store.begin_write().await?;
        let row: Option<(String, String, Option<String>, String)> = on!(&mut tx, c => sqlx::query_as(
            "SELECT app, user_id, claimed_by, state FROM cancellations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c).await)?;
        let Some((app, user, claimed_by, state)) = row else {
            return Ok(false);
        };
        if state != "pending" || claimed_by.as_deref() != Some(worker) {
            return Ok(false);
        }
        let now = self.clock.now_ms();
        on!(&mut tx, c => sqlx::query("UPDATE cancellations SET state = 'erasing' WHERE id = $1")
            .bind(id)
            .execute(c).await.map(drop))?;
        fail_at(fail, FailPoint::Claimed)?;
        let sessions = erase_user(&mut tx, &app, &user, fail).await?;
        pseudonymise_ledger(&mut tx, &app, &user).await?;
        fail_at(fail, FailPoint::Pseudonymised)?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE cancellations SET state = 'completed', ended_ms = $1, claimed_by = NULL, \
             lease_until_ms = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(c).await.map(drop))?;
        let change = AccountChange {
            event: AccountEvent::Completed,
            due_at: None,
            deadline_at: None,
        };
        feed(&mut tx, &app, &user, now, change).await?;
        on!(&mut tx, c => sqlx::query(
            "UPDATE cancellations SET completed_seq = \
             (SELECT max(seq) FROM changes WHERE app = $1 AND user_id = $2) WHERE id = $3",
        )
        .bind(&app)
        .bind(&user)
        .bind(id)
        .execute(c).await.map(drop))?;
        fail_at(fail, FailPoint::BeforeCommit)?;
        tx.commit().await?;
        for id_hash in sessions {
            self.sessions.invalidate(&id_hash);
        }
        self.ledger.forget(&app, &user);
        tracing::info!(app, request = id, "account cancellation completed");
        Ok(true)
    }

    /// Runs the scheduler until the process ends: every [`TICK`], or at
    /// once when woken (the dev clock moved).
    pub fn spawn_scheduler(self) {
        let worker = random_hex(8);
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_due(&worker).await {
                    tracing::error!(error = %e, "cancellation scheduler run failed");
                }
                tokio::select! {
                    _ = tokio::time::sleep(TICK) => {}
                    _ = self.wake.notified() => {}
                }
            }
        });
    }
}

/// Where a test makes finalisation fail, as a crash there would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailPoint {
    /// Just after the request is marked as being erased.
    Claimed,
    /// After the settings are deleted, before the sessions.
    SettingsDeleted,
    /// After the ledger is pseudonymised.
    Pseudonymised,
    /// Just before COMMIT.
    BeforeCommit,
}

/// Where this process kills itself (`serve --dev --dev-kill-at`), once set.
static KILL_AT: std::sync::OnceLock<FailPoint> = std::sync::OnceLock::new();

/// Makes this process send itself SIGKILL when a finalisation reaches
/// `point`: a real `kill -9` at a known step, for the crash tests of a
/// running server (`serve --dev` only).
pub fn kill_self_at(point: FailPoint) {
    let _ = KILL_AT.set(point);
}

fn fail_at(fail: Option<FailPoint>, here: FailPoint) -> Result<()> {
    if KILL_AT.get() == Some(&here) {
        tracing::warn!("--dev-kill-at {here:?}: sending SIGKILL to this process");
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        std::process::abort();
    }
    if fail == Some(here) {
        return Err(Error::Internal(format!("injected failure at {here:?}")));
    }
    Ok(())
}

fn pending_of(r: &Request) -> Result<PendingCancellation> {
    Ok(PendingCancellation {
        requested_at: rfc3339_ms(r.requested_ms),
        due_at: rfc3339_ms(r.due_ms),
        deadline_at: rfc3339_ms(r.deadline_ms),
        deadline_date: Date::try_from(r.deadline_date.as_str())
            .map_err(|e| Error::Internal(format!("cancellation {}: {e}", r.id)))?,
    })
}

/// Ends the user's pending request as withdrawn `by` (`user` or
/// `sign_in`), with its feed row; answers whether there was one.
async fn end_pending(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    now: i64,
    by: &str,
) -> Result<bool> {
    let ended = on!(conn, c => sqlx::query(
        "UPDATE cancellations SET state = 'withdrawn', ended_ms = $1, withdrawn_by = $2, \
         claimed_by = NULL, lease_until_ms = NULL \
         WHERE app = $3 AND user_id = $4 AND state = 'pending'",
    )
    .bind(now)
    .bind(by)
    .bind(app)
    .bind(user)
    .execute(c).await.map(|r| r.rows_affected()))?;
    if ended == 0 {
        return Ok(false);
    }
    let event = if by == "sign_in" {
        AccountEvent::AutoWithdrawn
    } else {
        AccountEvent::Withdrawn
    };
    let change = AccountChange {
        event,
        due_at: None,
        deadline_at: None,
    };
    feed(conn, app, user, now, change).await?;
    Ok(true)
}

/// Inside the transaction that starts a session from a handoff: a pending
/// request is withdrawn (the policies' "signing in during the cooling-off
/// cancels the request"), and a cancelled account's user id starts a fresh
/// account.
pub async fn on_sign_in(conn: &mut impl AsConn, app: &str, user: &str, now: i64) -> Result<()> {
    end_pending(conn, app, user, now, "sign_in").await?;
    on!(conn, c => sqlx::query(
        "UPDATE cancellations SET fresh_ms = $1 \
         WHERE app = $2 AND user_id = $3 AND state = 'completed' AND fresh_ms IS NULL",
    )
    .bind(now)
    .bind(app)
    .bind(user)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// The account as the host app's status route reports it.
pub async fn account_status(pool: &Db, app: &str, user: &str) -> Result<AccountStatus> {
    let rows = latest(pool, app, user).await?;
    if let Some(open) = rows
        .iter()
        .find(|r| r.state == "pending" || r.state == "erasing")
    {
        return Ok(AccountStatus {
            state: AccountState::Pending,
            due_at: Some(rfc3339_ms(open.due_ms)),
            deadline_at: Some(rfc3339_ms(open.deadline_ms)),
            cancelled_at: None,
        });
    }
    let cancelled = rows
        .iter()
        .find(|r| r.state == "completed" && r.fresh_ms.is_none());
    Ok(AccountStatus {
        state: if cancelled.is_some() {
            AccountState::Cancelled
        } else {
            AccountState::Active
        },
        due_at: None,
        deadline_at: None,
        cancelled_at: cancelled.and_then(|r| r.ended_ms).map(rfc3339_ms),
    })
}

async fn feed(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    now: i64,
    change: AccountChange,
) -> Result<()> {
    insert_feed(
        conn,
        app,
        user,
        &rfc3339_ms(now),
        &ChangeData::Account(change),
    )
    .await
}

/// Deletes everything the account holds that the law does not require to
/// be kept: its settings and their history, and its sessions (whose id
/// hashes are answered, to drop them from memory after COMMIT). Every
/// per-user table belongs here, in the one transaction that finalises.
async fn erase_user(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    fail: Option<FailPoint>,
) -> Result<Vec<String>> {
    for table in [
        "push_settings",
        "push_opt_outs",
        "switch_values",
        "permission_choices",
        // Allowed only while this request is `erasing` (migration 0007).
        "setting_changes",
    ] {
        delete_rows(conn, table, app, user).await?;
    }
    // Teen mode: its state, password hash, throttle and appeals.
    crate::teen::delete_user_data(conn, app, user).await?;
    fail_at(fail, FailPoint::SettingsDeleted)?;
    let sessions: Vec<String> = on!(conn, c => sqlx::query_scalar("SELECT id_hash FROM sessions WHERE app = $1 AND user_id = $2")
            .bind(app)
            .bind(user)
            .fetch_all(c).await)?;
    delete_rows(conn, "sessions", app, user).await?;
    Ok(sessions)
}

async fn delete_rows(conn: &mut impl AsConn, table: &str, app: &str, user: &str) -> Result<()> {
    on!(conn, c => sqlx::query(&format!(
        "DELETE FROM {table} WHERE app = $1 AND user_id = $2"
    ))
    .bind(app)
    .bind(user)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// Replaces the user id in the user's ledger rows by their pseudonymous
/// subject (format 2; for format-1 rows, whose hash covers the user id
/// itself, a random pseudonym) and deletes the mapping: every chain still
/// verifies, and no row is found by the user id any more.
/// On PostgreSQL the API's role may not update ledger rows at all: the
/// owner's `pseudonymise_consents` (migrations-pg/0013) does it.
async fn pseudonymise_ledger(conn: &mut impl AsConn, app: &str, user: &str) -> Result<()> {
    let sql = match conn.engine() {
        Engine::Sqlite => {
            "UPDATE consents SET user_id = CASE WHEN format = 2 THEN subject ELSE $1 END \
             WHERE app = $2 AND user_id = $3"
        }
        Engine::Postgres => "SELECT pseudonymise_consents($2, $3, $1)",
    };
    on!(conn, c => sqlx::query(sql)
        .bind(random_hex(16))
        .bind(app)
        .bind(user)
        .execute(c)
        .await
        .map(drop))?;
    delete_rows(conn, "ledger_subjects", app, user).await
}
