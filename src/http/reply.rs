//! Response bodies tagged with the dataset version: `ETag`, `If-None-Match` → 304, and bodies stored per snapshot
//! compressed at most once each (brotli and gzip), on the first request that accepts the encoding, instead of once
//! per request. A small body made for one request is sent as it is: compressing it costs more time than its few
//! saved bytes are worth.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, OnceLock};

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, ContentEncoding, EntityTag, Header, HeaderValue, IfNoneMatch, InvalidHeaderValue,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder};
use flate2::Compression;
use flate2::write::GzEncoder;

mod negotiate;

use negotiate::Chosen;

/// `Content-Type` of GeoJSON (RFC 7946).
pub const GEO_JSON: &str = "application/geo+json";
/// `Content-Type` of JSON.
pub const JSON: &str = "application/json";
/// `Content-Type` of CSV downloads.
pub const CSV: &str = "text/csv; charset=utf-8";

/// Bodies smaller than this (bytes) are never compressed: they fit in a packet or two either way.
const COMPRESS_MIN_BYTES: usize = 1024;

/// Bodies made for one request smaller than this (bytes) are sent uncompressed: a few kilobytes fit in a handful
/// of packets, and compressing each on the fly cut `/api/nearest` from 48,000 to 3,600 answers a second.
const ON_THE_FLY_MIN_BYTES: usize = 8 * 1024;

/// Bodies made for one request that each worker thread keeps gzipped, the most recently sent first.
const RECENT_GZIPPED: usize = 8;

/// Bodies made for one request larger than this (bytes) are gzipped every time, never kept: sending a quarter of a
/// megabyte takes longer than compressing it on most links. Smaller ones are gzipped from their second sending on
/// (see [`gzip_per_request`]).
const RECENT_MAX_BYTES: usize = 256 * 1024;

/// Brotli quality of stored bodies. On `/api/areas` (196 KB) quality 5 takes 7 ms and comes within 1.5 % of
/// quality 9's size, which takes 36 ms; on a 1.4 KB body 9 costs 1.6 ms to 5's 0.12 ms, for the same size.
const BROTLI_QUALITY: u32 = 5;

/// Gzip level of stored bodies: the default (6) is as small as `best` (9) on our JSON, at a third of its time.
const GZIP_STORED: Compression = Compression::new(6);

/// A rendered body; one stored per snapshot also keeps its compressed encodings once made.
#[derive(Debug, Clone)]
pub struct Body {
    identity: Bytes,
    /// Shared by every clone, so that an encoding made for one request serves all later ones.
    encoded: Option<Arc<Encoded>>,
}

/// A stored body's compressed encodings, each made on the first request that accepts it (`None` inside: it
/// could not be made, and the body is sent as it is).
#[derive(Debug, Default)]
struct Encoded {
    brotli: OnceLock<Option<Bytes>>,
    gzip: OnceLock<Option<Bytes>>,
}

fn brotli(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 5);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        size_hint: bytes.len(),
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

/// The encoding in `cell`, made from `identity` by `encode` if no request has made it yet.
fn memoized(
    cell: &OnceLock<Option<Bytes>>,
    identity: &[u8],
    encode: impl FnOnce(&[u8]) -> std::io::Result<Bytes>,
) -> Option<Bytes> {
    cell.get_or_init(|| {
        encode(identity)
            .inspect_err(|error| tracing::error!(%error, "cannot compress a stored body"))
            .ok()
    })
    .clone()
}

/// A body made for one request, kept with its gzip encoding once it has been sent twice.
struct Gzipped {
    crc: u32,
    identity: Bytes,
    gzip: Option<Bytes>,
}

thread_local! {
    /// Many answers made per request repeat (the sites serving one area, one area's CSV): a repeat costs a
    /// checksum and a comparison instead of a compression.
    static RECENT: RefCell<VecDeque<Gzipped>> = const { RefCell::new(VecDeque::new()) };
}

/// `identity` gzipped at the fastest level, or `None` to send it as it is. An answer up to [`RECENT_MAX_BYTES`]
/// is sent plain the first time this thread sends it (an answer that differs every time, such as a random map
/// box, would cost more CPU to compress than its bytes cost to send: half the throughput of `/api/services?bbox=`),
/// and gzipped once when it comes again, that copy then reused; a larger one is gzipped every time.
fn gzip_per_request(identity: &Bytes) -> std::io::Result<Option<Bytes>> {
    if identity.len() > RECENT_MAX_BYTES {
        return gzip(identity, Compression::fast()).map(Some);
    }
    let mut crc = flate2::Crc::new();
    crc.update(identity);
    let crc = crc.sum();
    RECENT.with_borrow_mut(|recent| {
        let seen = recent
            .iter()
            .position(|g| g.crc == crc && g.identity == identity);
        let entry = match seen.and_then(|i| recent.remove(i)) {
            Some(Gzipped {
                crc,
                identity,
                gzip: None,
            }) => Gzipped {
                gzip: Some(gzip(&identity, Compression::fast())?),
                crc,
                identity,
            },
            Some(entry) => entry,
            None => Gzipped {
                crc,
                identity: identity.clone(),
                gzip: None,
            },
        };
        let gzipped = entry.gzip.clone();
        recent.truncate(RECENT_GZIPPED - 1);
        recent.push_front(entry);
        Ok(gzipped)
    })
}

impl Body {
    /// A body rendered once per snapshot. Nothing is compressed yet: building a snapshot (after every approval)
    /// costs no compression, and a body nobody asks for compressed never is. Never fails; the `Result` is kept
    /// for the callers.
    pub fn stored(bytes: Vec<u8>) -> std::io::Result<Self> {
        let encoded = (bytes.len() >= COMPRESS_MIN_BYTES).then(Arc::default);
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

/// A successful answer: a body, its media type, the `ETag` of the dataset version it was computed from, and for
/// downloads a file name.
#[derive(Debug, Clone)]
pub struct Reply {
    body: Body,
    content_type: &'static str,
    etag: Option<HeaderValue>,
    filename: Option<String>,
}

/// The weak `ETag` (`W/"…"`, as encodings differ in bytes) of dataset version `version`, made once per snapshot
/// so that an answer only clones it.
pub fn etag(version: &str) -> Result<HeaderValue, InvalidHeaderValue> {
    HeaderValue::try_from(format!("W/\"{version}\""))
}

impl Reply {
    /// An answer derived from the dataset version whose [`etag`] is `etag`.
    pub fn versioned(body: Body, content_type: &'static str, etag: &HeaderValue) -> Self {
        Self {
            body,
            content_type,
            etag: Some(etag.clone()),
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
        if !req.headers().contains_key(header::IF_NONE_MATCH) {
            return false;
        }
        let Some(etag) = etag.to_str().ok().and_then(|e| e.parse::<EntityTag>().ok()) else {
            return false;
        };
        match IfNoneMatch::parse(req) {
            Ok(IfNoneMatch::Any) => true,
            Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&etag)),
            Err(_) => false,
        }
    }
}

impl Responder for Reply {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        let not_modified = self.not_modified(req);
        // Built straight from constant header values: this runs for every stored answer, the server's busiest path.
        let mut response = HttpResponse::new(if not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            StatusCode::OK
        });
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(etag) = self.etag {
            headers.insert(header::ETAG, etag);
        }
        if not_modified {
            return response;
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(name) = &self.filename {
            match HeaderValue::try_from(format!("attachment; filename=\"{name}\"")) {
                Ok(value) => {
                    headers.insert(header::CONTENT_DISPOSITION, value);
                }
                Err(error) => return HttpResponse::from_error(error),
            }
        }
        let Body { identity, encoded } = self.body;
        let chosen = negotiate::negotiate(req, encoded.is_some());
        let (encoding, bytes) = match (encoded, chosen) {
            (Some(encoded), Some(Chosen::Brotli)) => {
                match memoized(&encoded.brotli, &identity, brotli) {
                    Some(bytes) => (ContentEncoding::Brotli, bytes),
                    None => (ContentEncoding::Identity, identity),
                }
            }
            (Some(encoded), Some(Chosen::Gzip)) => {
                match memoized(&encoded.gzip, &identity, |b| gzip(b, GZIP_STORED)) {
                    Some(bytes) => (ContentEncoding::Gzip, bytes),
                    None => (ContentEncoding::Identity, identity),
                }
            }
            // Made for this request and large: gzip's fastest level, which keeps most of the saving at a small
            // part of the cost of the middleware's default.
            (None, Some(Chosen::Gzip)) if identity.len() >= ON_THE_FLY_MIN_BYTES => {
                match gzip_per_request(&identity) {
                    Ok(Some(gzipped)) => (ContentEncoding::Gzip, gzipped),
                    Ok(None) | Err(_) => (ContentEncoding::Identity, identity),
                }
            }
            _ => (ContentEncoding::Identity, identity),
        };
        // `identity` also tells the compression middleware to leave the body as it is; `security_headers` drops it.
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(encoding.as_str()),
        );
        response.set_body(BoxBody::new(bytes))
    }
}
