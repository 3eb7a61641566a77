"""FL401-FL406: every cited URL still answers. The checking itself is in factlint.urls,
the only module that touches the network; these records carry the rules' metadata."""

from __future__ import annotations

from factlint.rules import Rule


def url_broken():
    """A cited URL that answers 4xx (not 429), 5xx after retries, or fails DNS, connection or TLS.

    A dead link is a source no reader can check. Archive it (e.g. web.archive.org) or
    replace it with the document's new home.

    Bad:
        <sup>1</sup> 来源：某局，《年报》，https://example.org/removed-page

    Good:
        <sup>1</sup> 来源：某局，《年报》，https://example.org/annual-report
    """


def url_timeout():
    """A cited URL that gave no answer within the timeout, after retries.

    Often a slow or overloaded site; sometimes a site that blocks automated checks.
    Raise `--timeout` or exclude the URL in the config if it works in a browser.

    Bad:
        <sup>1</sup> 来源：https://slow.example.org/report (no answer within 10 s)

    Good:
        <sup>1</sup> 来源：https://example.org/report (answers in time)
    """


def url_redirected():
    """A cited URL that redirects permanently (301/308): the message gives the final URL.

    The old address works today but depends on the redirect staying; cite the final URL.
    `factlint fix --urls` replaces it.

    Bad:
        <sup>1</sup> 来源：http://example.org/old-report

    Good:
        <sup>1</sup> 来源：https://example.org/report
    """


def url_invalid():
    """A malformed URL, or a scheme other than http and https.

    `ftp://`, `javascript:` and `file:` links cannot be checked and rarely work for readers.

    Bad:
        <sup>1</sup> 来源：javascript:void(0)

    Good:
        <sup>1</sup> 来源：https://example.org/report
    """


def url_blocked():
    """A URL whose address is refused by policy: private, loopback, link-local or metadata.

    Checked after DNS resolution and at every redirect hop, so a brief in an untrusted pull
    request cannot make CI fetch internal addresses. `--allow-private` lifts the policy.

    Bad:
        <sup>1</sup> 来源：http://169.254.169.254/latest/meta-data

    Good:
        <sup>1</sup> 来源：https://example.org/report
    """


def url_rate_limited():
    """A URL that still answers 429 Too Many Requests after honouring Retry-After and retrying.

    The site is throttling the checker, not necessarily dead; try again later or lower
    the per-host concurrency in the config.

    Bad:
        <sup>1</sup> 来源：https://busy.example.org/report (429 on every try)

    Good:
        <sup>1</sup> 来源：https://example.org/report
    """


BROKEN = Rule("FL401", "url-broken", "error", None, url_broken)
TIMEOUT = Rule("FL402", "url-timeout", "warning", None, url_timeout)
REDIRECTED = Rule("FL403", "url-redirected", "info", None, url_redirected, fixable=True)
INVALID = Rule("FL404", "url-invalid", "error", None, url_invalid)
BLOCKED = Rule("FL405", "url-blocked", "warning", None, url_blocked)
RATE_LIMITED = Rule("FL406", "url-rate-limited", "warning", None, url_rate_limited)

RULES = (BROKEN, TIMEOUT, REDIRECTED, INVALID, BLOCKED, RATE_LIMITED)
