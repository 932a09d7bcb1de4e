//! What a static web server (nginx, nginx-slim, httpd) answers for a
//! path: the pod's files under its document root, as the kubelet's HTTP
//! probes and `curl` from other pods see them.
//!
//! nginx answers a directory without `index.html` with 403 Forbidden (its
//! `index` module, autoindex off) and a missing file with 404; a document
//! root that is not a mounted volume holds the image's own `index.html`
//! (and nginx's `50x.html`). httpd answers a missing file with 404. nginx's
//! error pages end their lines with CRLF; they are kept with LF. The files
//! are the serving container's: its mounts and its own filesystem
//! (`Sim::volume_key`).

use ordinal_model::Value;

use super::images;
use crate::sim::Sim;

/// A static server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// HTTP status code.
    pub code: u16,
    /// Its reason phrase.
    pub reason: &'static str,
    /// The body.
    pub body: String,
}

impl Sim {
    /// What the static web server `container` of `pod` answers for a GET of
    /// `path` (see the module comment).
    pub fn static_page(&self, pod: &Value, container: &Value, path: &str) -> Page {
        let image = container.str_at(&["image"]);
        let (repo, tag) = images::split_image(image);
        let httpd = repo.rsplit('/').next() == Some("httpd");
        let root = if httpd {
            "/usr/local/apache2/htdocs"
        } else {
            "/usr/share/nginx/html"
        };
        let plain = path.split(['?', '#']).next().unwrap_or("/");
        let file = if plain.ends_with('/') {
            format!("{root}{plain}index.html")
        } else {
            format!("{root}{plain}")
        };
        let ok = |body: String| Page {
            code: 200,
            reason: "OK",
            body,
        };
        let index = pod
            .array_at(&["spec", "containers"])
            .iter()
            .position(|c| c.str_at(&["name"]) == container.str_at(&["name"]))
            .unwrap_or(0);
        let (key, _) = self.volume_key(&super::script::container_view(pod, index), &file);
        if let Some(text) = self.file(&key, &file) {
            return ok(text.to_string());
        }
        let root_is_volume = container
            .array_at(&["volumeMounts"])
            .iter()
            .any(|m| m.str_at(&["mountPath"]).trim_end_matches('/') == root);
        let image_file = match (httpd, plain) {
            (_, "/" | "/index.html") => Some(if httpd { HTTPD_WELCOME } else { NGINX_WELCOME }),
            (false, "/50x.html") => Some(NGINX_50X),
            _ => None,
        };
        if let Some(page) = image_file.filter(|_| !root_is_volume) {
            return ok(page.to_string());
        }
        if httpd {
            return Page {
                code: 404,
                reason: "Not Found",
                body: HTTPD_NOT_FOUND.to_string(),
            };
        }
        let (code, reason) = if plain.ends_with('/') {
            (403, "Forbidden")
        } else {
            (404, "Not Found")
        };
        let server = nginx_version(tag);
        Page {
            code,
            reason,
            body: format!(
                "<html>\n<head><title>{code} {reason}</title></head>\n<body>\n<center><h1>{code} {reason}</h1></center>\n<hr><center>{server}</center>\n</body>\n</html>\n"
            ),
        }
    }
}

/// The nginx version a tag runs (the server line of its error pages).
fn nginx_version(tag: &str) -> String {
    const MINORS: &[(&str, &str)] = &[
        ("1.25", "1.25.5"),
        ("1.26", "1.26.3"),
        ("1.27", "1.27.5"),
        ("1.28", "1.28.0"),
        ("1.29", "1.29.3"),
    ];
    let version = tag.split('-').next().unwrap_or("");
    if version.matches('.').count() == 2 && version.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("nginx/{version}");
    }
    match MINORS.iter().find(|(minor, _)| *minor == version) {
        Some((_, full)) => format!("nginx/{full}"),
        None if tag.starts_with("stable") => "nginx/1.28.0".to_string(),
        None if tag.starts_with(|c: char| c.is_ascii_digit()) => "nginx".to_string(),
        None => "nginx/1.29.3".to_string(),
    }
}

/// nginx's default `index.html`.
const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

/// httpd's default `index.html`.
const HTTPD_WELCOME: &str = "<html><body><h1>It works!</h1></body></html>\n";

/// httpd's 404 page.
const HTTPD_NOT_FOUND: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
";

/// nginx's default `50x.html`.
const NGINX_50X: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_error_pages_name_the_tag_s_version() {
        assert_eq!(nginx_version("1.27"), "nginx/1.27.5");
        assert_eq!(nginx_version("1.27.3-alpine"), "nginx/1.27.3");
        assert_eq!(nginx_version("latest"), "nginx/1.29.3");
        assert_eq!(nginx_version("0.21"), "nginx");
    }
}
