//! Response bodies tagged with the dataset version: `ETag`, `If-None-Match` → 304, and bodies gzipped once per
//! snapshot instead of once per request.

use std::io::Write;

use actix_web::body::BoxBody;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, EntityTag, Header, IfNoneMatch,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder};
use flate2::Compression;
use flate2::write::GzEncoder;

/// `Content-Type` of GeoJSON (RFC 7946).
pub const GEO_JSON: &str = "application/geo+json";
/// `Content-Type` of JSON.
pub const JSON: &str = "application/json";
/// `Content-Type` of CSV downloads.
pub const CSV: &str = "text/csv; charset=utf-8";

/// Bodies smaller than this (bytes) are not worth a stored gzip copy.
const GZIP_MIN_BYTES: usize = 1024;

/// A rendered body, with its gzip encoding when it is large enough to be worth storing one.
#[derive(Debug, Clone)]
pub struct Body {
    identity: Bytes,
    gzip: Option<Bytes>,
}

impl Body {
    /// A body rendered once per snapshot: gzipped now (best compression), so requests only copy bytes.
    pub fn stored(bytes: Vec<u8>) -> std::io::Result<Self> {
        let gzip = if bytes.len() >= GZIP_MIN_BYTES {
            let mut encoder =
                GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::best());
            encoder.write_all(&bytes)?;
            Some(Bytes::from(encoder.finish()?))
        } else {
            None
        };
        Ok(Self {
            identity: Bytes::from(bytes),
            gzip,
        })
    }

    /// A body rendered for one request; the compression middleware encodes it if the client asks.
    pub fn once(bytes: Vec<u8>) -> Self {
        Self {
            identity: Bytes::from(bytes),
            gzip: None,
        }
    }

    /// The unencoded bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.identity
    }
}

/// A successful answer: a body, its media type, the dataset version it was computed from, and for downloads a
/// file name.
#[derive(Debug, Clone)]
pub struct Reply {
    body: Body,
    content_type: &'static str,
    etag: Option<EntityTag>,
    filename: Option<String>,
}

impl Reply {
    /// An answer derived from dataset version `version` (sent as a weak `ETag`, as encodings differ in bytes).
    pub fn versioned(body: Body, content_type: &'static str, version: &str) -> Self {
        Self {
            body,
            content_type,
            etag: Some(EntityTag::new_weak(version.to_owned())),
            filename: None,
        }
    }

    /// An answer that does not depend on the data (health, configuration, the API description).
    pub fn unversioned(body: Body, content_type: &'static str) -> Self {
        Self {
            body,
            content_type,
            etag: None,
            filename: None,
        }
    }

    /// Marks the answer as a download saved as `filename`.
    pub fn download(mut self, filename: String) -> Self {
        self.filename = Some(filename);
        self
    }

    fn not_modified(&self, req: &HttpRequest) -> bool {
        let Some(etag) = &self.etag else {
            return false;
        };
        match IfNoneMatch::parse(req) {
            Ok(IfNoneMatch::Any) => true,
            Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(etag)),
            Err(_) => false,
        }
    }

    fn wants_gzip(req: &HttpRequest) -> bool {
        AcceptEncoding::parse(req).is_ok_and(|accept| {
            accept.negotiate([Encoding::gzip(), Encoding::identity()].iter())
                == Some(Encoding::gzip())
        })
    }
}

impl Responder for Reply {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let not_modified = self.not_modified(req);
        let mut response = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::VARY, "accept-encoding"));
        if let Some(etag) = &self.etag {
            response.insert_header(header::ETag(etag.clone()));
        }
        if not_modified {
            return response.finish();
        }
        response.insert_header((header::CONTENT_TYPE, self.content_type));
        if let Some(name) = &self.filename {
            response.insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ));
        }
        match self.body.gzip {
            Some(gzip) if Self::wants_gzip(req) => {
                response.insert_header(ContentEncoding::Gzip).body(gzip)
            }
            _ => response.body(self.body.identity),
        }
    }
}
