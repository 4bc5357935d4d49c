//! Choosing the encoding of an answer from the request's `Accept-Encoding`, as actix-web's
//! [`AcceptEncoding::negotiate`] chooses it, with a fast path for the lists browsers and tools send.

use actix_web::HttpRequest;
use actix_web::http::header::{self, AcceptEncoding, Encoding, Header};

/// An encoding a [`Reply`](super::Reply) can send its body in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chosen {
    /// `br`.
    Brotli,
    /// `gzip`.
    Gzip,
    /// As it is.
    Identity,
}

/// The encoding to send a body in, out of brotli (when `brotli`), gzip and identity, as actix-web's
/// [`AcceptEncoding::negotiate`] would choose it; `None` when the client accepts none of them.
pub(super) fn negotiate(req: &HttpRequest, brotli: bool) -> Option<Chosen> {
    let mut values = req.headers().get_all(header::ACCEPT_ENCODING);
    let first = values.next();
    if values.next().is_none()
        && let Some(chosen) = plain_list(first.map_or(&b""[..], |v| v.as_bytes()), brotli)
    {
        return Some(chosen);
    }
    let offered: &[Encoding] = if brotli {
        &[Encoding::brotli(), Encoding::gzip(), Encoding::identity()]
    } else {
        &[Encoding::gzip(), Encoding::identity()]
    };
    let chosen = AcceptEncoding::parse(req)
        .ok()
        .and_then(|accept| accept.negotiate(offered.iter()))?;
    Some(if chosen == Encoding::brotli() {
        Chosen::Brotli
    } else if chosen == Encoding::gzip() {
        Chosen::Gzip
    } else {
        Chosen::Identity
    })
}

/// The choice for a list of bare codings without quality values (`gzip, deflate, br, zstd`), which is what nearly
/// every client sends: all are equally acceptable, identity too, so actix-web's ranking (brotli, then gzip) decides.
/// `None` for anything else (a quality value, a quoted or odd character), left to the full parser.
fn plain_list(value: &[u8], brotli: bool) -> Option<Chosen> {
    let (mut br, mut gzip) = (false, false);
    for coding in value.split(|&b| b == b',') {
        let coding = coding.trim_ascii();
        if !coding.iter().all(|&b| is_token(b)) {
            return None;
        }
        br |= coding.eq_ignore_ascii_case(b"br");
        gzip |= coding.eq_ignore_ascii_case(b"gzip");
    }
    Some(if br && brotli {
        Chosen::Brotli
    } else if gzip {
        Chosen::Gzip
    } else {
        Chosen::Identity
    })
}

/// A `tchar` of RFC 9110 (§5.6.2): the characters of a bare coding name.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    /// actix-web's own choice, which the fast path must equal.
    fn full(req: &HttpRequest, brotli: bool) -> Option<Chosen> {
        let offered: &[Encoding] = if brotli {
            &[Encoding::brotli(), Encoding::gzip(), Encoding::identity()]
        } else {
            &[Encoding::gzip(), Encoding::identity()]
        };
        let chosen = AcceptEncoding::parse(req)
            .ok()
            .and_then(|accept| accept.negotiate(offered.iter()))?;
        Some(match chosen {
            e if e == Encoding::brotli() => Chosen::Brotli,
            e if e == Encoding::gzip() => Chosen::Gzip,
            _ => Chosen::Identity,
        })
    }

    #[test]
    fn the_fast_path_chooses_as_actix_does() {
        let lists = [
            "",
            " ",
            ",",
            "gzip",
            "br",
            "BR",
            "GZip",
            "identity",
            "*",
            "deflate",
            "zstd",
            "x-gzip",
            "gzip, deflate",
            "gzip, deflate, br",
            "gzip, deflate, br, zstd",
            "br, gzip",
            "deflate, gzip",
            "gzip,br",
            " gzip ,  br ",
            "gzip, , br",
            "identity, gzip",
            "*, gzip",
            "compress, zstd",
            "gzip;q=0",
            "br;q=0.5, gzip",
            "gzip;q=0.5, br;q=0.4",
            "identity;q=0",
            "*;q=0",
            "br;q=0, gzip;q=0",
            "gzip, identity;q=0",
            "gzip; q=1.0, br; q=0.9",
            "\"gzip\"",
            "gz ip",
        ];
        for list in lists {
            let req = TestRequest::get()
                .insert_header((header::ACCEPT_ENCODING, list))
                .to_http_request();
            for brotli in [true, false] {
                assert_eq!(
                    negotiate(&req, brotli),
                    full(&req, brotli),
                    "Accept-Encoding: {list:?}, brotli offered: {brotli}"
                );
            }
        }
        let none = TestRequest::get().to_http_request();
        let two = TestRequest::get()
            .append_header((header::ACCEPT_ENCODING, "gzip;q=0.1"))
            .append_header((header::ACCEPT_ENCODING, "br"))
            .to_http_request();
        for req in [none, two] {
            for brotli in [true, false] {
                assert_eq!(negotiate(&req, brotli), full(&req, brotli));
            }
        }
    }
}
