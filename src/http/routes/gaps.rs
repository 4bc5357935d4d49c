//! `/api/gaps` (areas in gap, worst first) and `/api/lottery` (how unequal provision is, per type).

use actix_web::web;

use super::{computed, stored};
use crate::domain::gaps::DEFAULT_GAP_STATUSES;
use crate::http::error::{AppError, ErrorBody};
use crate::http::params::{self, GapsQuery, TypeQuery};
use crate::http::reply::{GEO_JSON, JSON, Reply};
use crate::http::state::AppState;
use crate::http::views::areas::{self, FilterMember, GapFilter, GapProperties, TypeLottery, Types};
use crate::http::views::{Collection, Feature, WithProvenance};

/// Area × type pairs in gap, worst first: largest shortfall per basis population (`shortfall_rate`, per
/// `rate_per` people); pairs of types without a benchmark come after, `none` before `below`.
#[utoipa::path(
    get,
    path = "/api/gaps", operation_id = "list_gaps",
    tag = "coverage",
    params(GapsQuery),
    responses(
        (status = 200, description = "FeatureCollection of area × type pairs, worst first",
            content_type = "application/geo+json", body = Collection<Feature<GapProperties>, FilterMember<GapFilter>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type or status, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn gaps(
    state: web::Data<AppState>,
    query: web::Query<GapsQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let t = params::service_type(&snapshot, &query.service_type)?;
    let statuses = params::statuses(&query.status, &DEFAULT_GAP_STATUSES)?;
    if statuses == DEFAULT_GAP_STATUSES {
        stored(&snapshot, snapshot.gaps_body(t), GEO_JSON)
    } else {
        computed(
            &snapshot,
            areas::gaps(snapshot.source(), t, &statuses),
            GEO_JSON,
        )
    }
}

/// The postcode-lottery summary of every type (or only `type`).
#[utoipa::path(
    get,
    path = "/api/lottery", operation_id = "get_lottery",
    tag = "coverage",
    params(TypeQuery),
    responses(
        (status = 200, description = "Per type: overall rate and lottery summary", body = WithProvenance<Types<TypeLottery>>),
        (status = 304, description = "Not modified since the `If-None-Match` version"),
        (status = 400, description = "Unknown type, or a parameter given twice", body = ErrorBody),
    )
)]
pub async fn lottery(
    state: web::Data<AppState>,
    query: web::Query<TypeQuery>,
) -> Result<Reply, AppError> {
    let snapshot = state.snapshot()?;
    let t = params::service_type(&snapshot, &query.service_type)?;
    stored(&snapshot, snapshot.lottery_body(t), JSON)
}
