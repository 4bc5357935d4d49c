//! `/api/listing-fields`: the listing's fields as the server declares them, so the providers' form is built from
//! the one schema instead of a copy of it.

use crate::http::error::AppError;
use crate::http::reply::Reply;

/// The listing's fields for the providers' form: name, label, help, input kind and allowed values.
#[utoipa::path(
    get,
    path = "/api/listing-fields", operation_id = "listing_fields",
    tag = "submissions",
    responses(
        (status = 200, description = "`listing_id` (the key) and `fields`, in the listings file's column order",
            body = Object),
    )
)]
pub async fn fields() -> Result<Reply, AppError> {
    super::unversioned_json(&crate::domain::listing_fields_json())
}
