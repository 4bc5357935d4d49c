//! Response bodies tagged with the dataset version: `ETag`, `If-None-Match` → 304, and bodies compressed once per
//! snapshot (brotli and gzip) instead of once per request. A small body made for one request is sent as it is:
//! compressing it costs more time than its few saved bytes are worth.

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

/// Bodies smaller than this (bytes) are not worth stored compressed copies.
const COMPRESS_MIN_BYTES: usize = 1024;

/// Bodies made for one request smaller than this (bytes) are sent uncompressed: a few kilobytes fit in a handful
/// of packets, and compressing each on the fly cut `/api/nearest` from 48,000 to 3,600 answers a second.
const ON_THE_FLY_MIN_BYTES: usize = 8 * 1024;

/// Brotli quality of stored bodies: 9 compresses within a few percent of the maximum (11) at a fraction of its
/// time, which matters because every approval renders every stored body again.
const BROTLI_QUALITY: u32 = 9;

/// A rendered body, with its brotli and gzip encodings when it is large enough to be worth storing them.
#[derive(Debug, Clone)]
pub struct Body {
    identity: Bytes,
    encoded: Option<Encoded>,
}

/// A stored body's compressed copies.
#[derive(Debug, Clone)]
struct Encoded {
    brotli: Bytes,
    gzip: Bytes,
}

fn brotli(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 5);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(Bytes::from(out))
}

fn gzip(bytes: &[u8], level: Compression) -> std::io::Result<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), level);
    encoder.write_all(bytes)?;
    Ok(Bytes::from(encoder.finish()?))
}

impl Body {
    /// A body rendered once per snapshot: compressed now (brotli and gzip), so requests only copy bytes.
    pub fn stored(bytes: Vec<u8>) -> std::io::Result<Self> {
        let encoded = if bytes.len() >= COMPRESS_MIN_BYTES {
            Some(Encoded {
                brotli: brotli(&bytes)?,
                gzip: gzip(&bytes, Compression::best())?,
            })
        } else {
            None
        };
        Ok(Self {
            identity: Bytes::from(bytes),
            encoded,
        })
    }

    /// A body rendered for one request: sent as it is when small, gzipped at the fastest level when large and the
    /// client accepts it.
    pub fn once(bytes: Vec<u8>) -> Self {
        Self {
            identity: Bytes::from(bytes),
            encoded: None,
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

    /// The encoding to send a body in, out of `offered`, as the client prefers (the first offered on a tie).
    fn negotiate(req: &HttpRequest, offered: &[Encoding]) -> Option<Encoding> {
        AcceptEncoding::parse(req)
            .ok()
            .and_then(|accept| accept.negotiate(offered.iter()))
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
        let stored = [Encoding::brotli(), Encoding::gzip(), Encoding::identity()];
        let on_the_fly = [Encoding::gzip(), Encoding::identity()];
        let offered: &[Encoding] = if self.body.encoded.is_some() {
            &stored
        } else {
            &on_the_fly
        };
        match (self.body.encoded, Self::negotiate(req, offered)) {
            (Some(encoded), Some(e)) if e == Encoding::brotli() => response
                .insert_header(ContentEncoding::Brotli)
                .body(encoded.brotli),
            (Some(encoded), Some(e)) if e == Encoding::gzip() => response
                .insert_header(ContentEncoding::Gzip)
                .body(encoded.gzip),
            // Made for this request and large: gzip's fastest level, which keeps most of the saving at a small
            // part of the cost of the middleware's default.
            (None, Some(e))
                if e == Encoding::gzip() && self.body.identity.len() >= ON_THE_FLY_MIN_BYTES =>
            {
                match gzip(&self.body.identity, Compression::fast()) {
                    Ok(gzipped) => response.insert_header(ContentEncoding::Gzip).body(gzipped),
                    Err(_) => response
                        .insert_header(ContentEncoding::Identity)
                        .body(self.body.identity),
                }
            }
            // Everything else is sent as it is; the header tells the compression middleware to leave it so.
            _ => response
                .insert_header(ContentEncoding::Identity)
                .body(self.body.identity),
        }
    }
}
