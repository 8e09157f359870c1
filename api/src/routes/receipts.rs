//! Consent receipts, public: `POST /api/receipts/verify` (does the ledger
//! still hold this exact record?) and `GET /api/receipts/keys` (the ledger
//! keys' public halves, to check a receipt's signature offline).

use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use privacy_center_core::wire::{ErrorBody, LedgerPublicKey, Receipt, ReceiptCheck};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{Error, Result};
use crate::json::ApiJson;
use crate::ledger::receipt;
use crate::staff::ClientIp;
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite};

/// Largest receipt accepted: a genuine one is under 2 KiB (a batch of 512
/// adds nine path hashes).
const MAX_RECEIPT_BYTES: usize = 4096;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, verify) = routes!(verify);
    OpenApiRouter::new()
        .routes((
            schemas,
            paths,
            verify.layer(DefaultBodyLimit::max(MAX_RECEIPT_BYTES)),
        ))
        .routes(routes!(keys))
}

/// Says whether the ledger still holds the exact record a receipt
/// describes, and nothing else: no other record, user or chain is revealed.
/// Takes a receipt signed alone or one signed with its batch (`batch`: its
/// audit path to the signed root). Costs one signature check (after at most
/// 64 hashes of the path) and one indexed read; 60 checks per client
/// address per minute.
#[utoipa::path(
    post,
    path = "/receipts/verify",
    tag = "receipts",
    request_body = Receipt,
    responses(
        (status = 200, description = "The verdict on that record (`held` true only when the ledger holds it exactly; body up to 4 KiB)", body = ReceiptCheck),
        (status = 429, description = "`too_many_requests`: over 60 checks a minute from this address, with `Retry-After`", body = ErrorBody),
        BodyErrors,
        CrossSite,
    )
)]
async fn verify(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(receipt): ApiJson<Receipt, MAX_RECEIPT_BYTES>,
) -> Result<Json<ReceiptCheck>> {
    let now = state.clock.now_ms();
    state
        .receipt_checks
        .check(&state.store, client, false, now)
        .await?
        .map_err(Error::Throttled)?;
    // Every check counts here, not only failed ones.
    state
        .receipt_checks
        .record(&state.store, client, now)
        .await?;
    Ok(Json(
        receipt::check(state.store.pool(), state.ledger.keyring(), &receipt).await?,
    ))
}

/// Every ledger key id and its Ed25519 public key, oldest first.
#[utoipa::path(
    get,
    path = "/receipts/keys",
    tag = "receipts",
    responses((status = 200, description = "The keys receipts and checkpoints are signed with", body = Vec<LedgerPublicKey>))
)]
async fn keys(State(state): State<AppState>) -> Json<Vec<LedgerPublicKey>> {
    Json(
        state
            .ledger
            .keyring()
            .public_keys()
            .into_iter()
            .map(|(key_id, public_key)| LedgerPublicKey { key_id, public_key })
            .collect(),
    )
}
