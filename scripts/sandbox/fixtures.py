"""Documents the loopback servers hand out in place of the real ones: a court order as a PDF and
a news article as a web page. All of it is fictional.

Standard library only: the loopback web server and the tests both import this file.
The output is deterministic (no dates, no random ids), so the same arguments always give the
same bytes and tests can compare hashes.

    from fixtures import SAMPLE_ARTICLE, SAMPLE_ORDER, article_html, court_order_pdf

    pdf = court_order_pdf(**SAMPLE_ORDER)       # bytes, 3 pages
    page = article_html(**SAMPLE_ARTICLE)       # str, a full HTML page
"""

from __future__ import annotations

import html
import json
import textwrap
from datetime import datetime

# -- the court order (PDF) ------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN_LEFT, TOP, BOTTOM = 72, 720, 72
FONT_SIZE, LEADING = 11, 14
WRAP = 90  # characters per body line

DEFAULT_PARAGRAPHS = [
    "Plaintiff asks the Court to preliminarily enjoin the agency action described in the "
    "complaint while this case proceeds. Defendant opposes the motion. Having considered the "
    "parties' briefs, the administrative record, and the arguments presented at the hearing, "
    "the Court grants the motion in part.",
    "A party seeking a preliminary injunction must show that it is likely to succeed on the "
    "merits, that it is likely to suffer irreparable harm in the absence of preliminary "
    "relief, that the balance of equities tips in its favor, and that an injunction is in the "
    "public interest. When the government is the opposing party, the last two factors merge.",
    "Plaintiff is likely to succeed on its claim that the agency acted arbitrarily and "
    "capriciously. The record contains no explanation of why the agency changed course, and "
    "an agency that changes course must at least display awareness that it is doing so and "
    "show that there are good reasons for the new policy.",
    "The remaining factors also favor relief. The harm Plaintiff describes cannot be undone "
    "by money damages after the fact, and Defendant has not identified any harm that a short "
    "delay would cause while the Court considers the merits.",
    "For these reasons, Plaintiff's Motion for a Preliminary Injunction is GRANTED IN PART. "
    "Defendant shall file a status report within seven days of this Order.",
]


def court_order_pdf(
    *,
    court: str,
    case_name: str,
    docket_number: str,
    judge: str,
    title: str = "MEMORANDUM OPINION AND ORDER",
    pages: int = 3,
    paragraphs: list[str] | None = None,
) -> bytes:
    """A court order as a valid PDF 1.4 file with a text layer that PDF readers can extract.

    Page 1 carries the court, the caption, the case number and the title; the body
    paragraphs are spread over the following pages; the last page ends with "SO ORDERED." and
    the judge's signature block. Exactly `pages` pages are written; a page with more lines
    than fit is set in a smaller size rather than run off the bottom.
    """
    if pages < 1:
        raise ValueError("a court order has at least one page")
    body = paragraphs if paragraphs is not None else DEFAULT_PARAGRAPHS

    first = _caption_lines(court, case_name, docket_number, title)
    signature = [
        "",
        "SO ORDERED.",
        "",
        "",
        f"/s/ {judge}",
        judge.upper(),
        "United States District Judge",
    ]
    page_lines: list[list[str]] = [first] + [[] for _ in range(pages - 1)]
    body_pages = page_lines[1:] or page_lines  # a one-page order keeps its body on page 1
    for index, chunk in enumerate(_split_evenly(body, len(body_pages))):
        for paragraph in chunk:
            body_pages[index].extend(_wrap(paragraph))
            body_pages[index].append("")
    page_lines[-1].extend(signature)

    header = f"Case {docket_number}"
    streams = [
        _page_stream([header, "", *lines], f"Page {number} of {pages}")
        for number, lines in enumerate(page_lines, start=1)
    ]
    return _write_pdf(streams, info_title=title)


def _caption_lines(court: str, case_name: str, docket_number: str, title: str) -> list[str]:
    plaintiff, _, defendant = case_name.partition(" v. ")
    lines = [line.upper() for line in _court_lines(court)] + [""]
    if defendant:
        lines += [
            f"{plaintiff.upper()},",
            "",
            "        Plaintiff,",
            "",
            "    v.                                        Civil Action No. " + docket_number,
            "",
            f"{defendant.upper()},",
            "",
            "        Defendant.",
        ]
    else:  # "In re ..." and other one-party captions
        lines += [case_name.upper(), "", "Civil Action No. " + docket_number]
    return [*lines, "", "", title.upper(), ""]


def _court_lines(court: str) -> list[str]:
    # "United States District Court for the District of Columbia" is set on two lines
    head, sep, tail = court.partition(" for the ")
    return [head, sep.strip() + " " + tail] if sep else [court]


def _split_evenly(items: list[str], parts: int) -> list[list[str]]:
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _wrap(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, WRAP, break_long_words=True) or [""]


def _page_stream(lines: list[str], footer: str) -> bytes:
    # Shrink the type on an overfull page so every line stays on it.
    leading = min(LEADING, (TOP - BOTTOM) / max(len(lines), 1))
    size = min(FONT_SIZE, leading * 0.8)
    ops = [
        "BT",
        f"/F1 {size:.2f} Tf",
        f"{leading:.2f} TL",
        f"{MARGIN_LEFT} {TOP} Td",
    ]
    for line in lines:
        ops.append(f"({_pdf_text(line)}) Tj T*" if line else "T*")
    ops += ["ET", "BT", "/F1 9 Tf", f"{PAGE_WIDTH // 2 - 24} 40 Td", f"({footer}) Tj", "ET"]
    return ("\n".join(ops) + "\n").encode("latin-1")


def _pdf_text(text: str) -> str:
    """A string for a PDF literal in WinAnsiEncoding: ( ) \\ escaped, other bytes as octal."""
    out = []
    for byte in text.encode("cp1252", errors="replace"):
        char = chr(byte)
        if char in "()\\":
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)


def _info_string(text: str) -> bytes:
    # ASCII titles as literal strings; anything else as UTF-16BE with a byte-order mark
    if text.isascii():
        return b"(" + _pdf_text(text).encode("latin-1") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _write_pdf(streams: list[bytes], info_title: str) -> bytes:
    count = len(streams)
    # object numbers: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content
    page_ids = [5 + 2 * index for index in range(count)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % page for page in page_ids)
        + b"] /Count %d >>" % count,
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Title " + _info_string(info_title) + b" /Producer (threadbot sandbox) >>",
    }
    page_dict = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_WIDTH, PAGE_HEIGHT)
    page_dict += b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
    for page, stream in zip(page_ids, streams, strict=True):
        objects[page] = page_dict % (page + 1)
        objects[page + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary comment: "this file is binary"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % size
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- the news article (HTML) ----------------------------------------------------------------

# Boilerplate around the story. Each phrase is distinctive so tests can assert that article
# extraction left it out.
NAV_ITEMS = [
    "Congress",
    "White House",
    "Courts Desk",
    "Agriculture & Food",
    "Energy & Environment",
    "Newsletters",
    "Podcasts",
    "Video Briefings",
    "Pro Policy Hub",
]
SIGN_IN_PROMPT = "Sign in to keep reading, or Subscribe for unlimited access to Pro Policy Hub."
COOKIE_BANNER = "We use cookies and similar trackers to personalise ads and measure audiences."
NEWSLETTER_BOX = "Sign up for our Legal newsletter, Docket Dispatch, delivered every weekday."
RELATED_LINKS = [
    "Appeals court weighs pause on farm loan forgiveness",
    "Inside the fight over the drought relief formula",
    "Senators press USDA on rural broadband delays",
]
FOOTER = "Copyright 2026 Capitol Ledger Media Group. All rights reserved. Terms of Service."


def article_html(
    *,
    title: str,
    author: str,
    published: str,
    site_name: str,
    paragraphs: list[str],
    url: str,
) -> str:
    """A news article page as a newsroom's site serves it: the story with its metadata (meta
    tags, JSON-LD), inside navigation, a sign-in prompt, a cookie banner, a newsletter box in
    the middle of the story, related links and a footer.

    `published` is an ISO date or date-time ("2026-02-03" or "2026-02-03T17:12:00-05:00").
    """
    when = datetime.fromisoformat(published)
    shown = f"{when:%B} {when.day}, {when.year}"
    if when.hour or when.minute:
        shown += f", {when:%I:%M} {'a.m.' if when.hour < 12 else 'p.m.'}".replace(" 0", " ")
    e = html.escape
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": [{"@type": "Person", "name": author}],
        "publisher": {"@type": "Organization", "name": site_name},
        "mainEntityOfPage": url,
    }
    # "</" inside a script would end it early
    ld_json = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    middle = (len(paragraphs) + 1) // 2
    story = [f"      <p>{e(p)}</p>" for p in paragraphs[:middle]]
    story.append(
        '      <aside class="newsletter-signup inline-promo">\n'
        f"        <h3>{e(NEWSLETTER_BOX)}</h3>\n"
        '        <form action="/newsletters/subscribe" method="post">'
        '<input type="email" name="email" placeholder="Your email">'
        "<button>Sign up</button></form>\n"
        "        <p>By signing up you agree to receive email newsletters or alerts.</p>\n"
        "      </aside>"
    )
    story += [f"      <p>{e(p)}</p>" for p in paragraphs[middle:]]
    nav = "\n".join(
        f'        <li><a href="/{_slug(item)}/">{e(item)}</a></li>' for item in NAV_ITEMS
    )
    related = "\n".join(
        f'          <li><a href="/news/2026/01/{_slug(item)}-0041{index}000">{e(item)}</a></li>'
        for index, item in enumerate(RELATED_LINKS)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(title)} - {e(site_name)}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="{e(paragraphs[0] if paragraphs else title)}">
  <meta name="author" content="{e(author)}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{e(title)}">
  <meta property="og:site_name" content="{e(site_name)}">
  <meta property="og:url" content="{e(url)}">
  <meta property="article:published_time" content="{e(published)}">
  <meta property="article:section" content="Courts">
  <link rel="canonical" href="{e(url)}">
  <script type="application/ld+json">{ld_json}</script>
</head>
<body class="layout-article">
  <header class="site-header">
    <a class="logo" href="/">{e(site_name)}</a>
    <nav class="main-nav" aria-label="Sections">
      <ul>
{nav}
      </ul>
    </nav>
    <div class="account-prompt">
      <p>{e(SIGN_IN_PROMPT)}</p>
      <a href="/login">Sign in</a> <a href="/subscribe">Subscribe</a>
    </div>
  </header>
  <div id="cookie-banner" class="cookie-consent" role="dialog">
    <p>{e(COOKIE_BANNER)}</p>
    <button>Accept all</button> <button>Manage preferences</button>
  </div>
  <main>
    <article class="story">
      <h1>{e(title)}</h1>
      <p class="byline">By <a rel="author" href="/staff/{_slug(author)}">{e(author)}</a></p>
      <p class="timestamp"><time datetime="{e(published)}">{shown}</time></p>
{chr(10).join(story)}
      <section class="related-stories">
        <h2>Related</h2>
        <ul>
{related}
        </ul>
      </section>
    </article>
  </main>
  <footer class="site-footer">
    <ul><li><a href="/about">About Us</a></li><li><a href="/careers">Careers</a></li>
    <li><a href="/privacy">Privacy Policy</a></li></ul>
    <p>{e(FOOTER)}</p>
  </footer>
</body>
</html>
"""


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


# -- the sample thread's documents ----------------------------------------------------------

SAMPLE_ORDER: dict = {
    "court": "United States District Court for the District of Columbia",
    "case_name": "Tri-County Water Authority v. Department of Agriculture",
    "docket_number": "1:26-cv-00412",
    "judge": "Marisol Ortega",
    "title": "MEMORANDUM OPINION AND ORDER",
    "pages": 3,
    "paragraphs": [
        "Plaintiff Tri-County Water Authority and the small water systems it represents ask "
        "the Court to preliminarily enjoin the Department of Agriculture's final rule ending "
        'the Rural Water Grant program (the "Rule"). The Department opposes the motion. For '
        "the reasons below, the motion is GRANTED.",
        "For more than two decades the program has paid for wells, storage tanks and treatment "
        "plants in towns of fewer than 10,000 people. Roughly 400 systems planned multi-year "
        "construction around the grants, and many borrowed against next year's award.",
        "The Department argues that the grants are entirely discretionary and that grantees "
        'have no claim to future funding. The statute says otherwise: the Secretary "shall" '
        "fund eligible systems from the amounts appropriated (see 7 U.S.C. § 1926(a)(2)).",
        "Nor did the Department consider the reliance interests the program created. The APA "
        "does not let an agency pull the rug out from under hundreds of small towns without so "
        "much as looking at what they built on it. Plaintiff is likely to succeed on the merits.",
        "The loss of a year's construction funding cannot be recovered after judgment, and the "
        "Department identifies no harm from keeping the program running while the case "
        "proceeds. The balance of equities and the public interest favor relief.",
        "Accordingly, it is hereby ORDERED that the Rule is STAYED pending further order of the "
        "Court, and that Defendant shall file a status report within 7 days of this Order.",
    ],
}

SAMPLE_ARTICLE: dict = {
    "title": "Judge blocks USDA from ending rural water grants",
    "author": "Dana Whitlock",
    "published": "2026-02-03T17:12:00-05:00",
    "site_name": "POLITICO",
    "url": "https://www.politico.com/news/2026/02/03/rural-water-grants-injunction-00412345",
    "paragraphs": [
        "A federal judge in Washington on Tuesday blocked the Agriculture Department from "
        "ending the Rural Water Grant program, ruling that the department ignored what some "
        "400 small towns had built on the money.",
        "U.S. District Judge Marisol Ortega granted a preliminary injunction sought by the "
        "Tri-County Water Authority, a coalition of rural water systems, which sued in January "
        "after the department published a rule shutting the program down at the end of the "
        "fiscal year.",
        "\u201cThe APA does not let an agency pull the rug out from under hundreds of small "
        "towns without so much as looking at what they built on it,\u201d Ortega wrote in a "
        "31-page opinion.",
        "Justice Department lawyers had argued that the grants were entirely discretionary and "
        "that no town had a claim to next year's money. Ortega disagreed, pointing to the "
        "statute's instruction that the secretary \u201cshall\u201d fund eligible systems.",
        "Mayor Irene Castellanos of Wren Hollow, a town of 2,300 that is halfway through "
        "replacing its only water tower, said the ruling meant her crews could return to work "
        "next week. \u201cWe had already borrowed against this grant,\u201d she said.",
        "A USDA spokesperson said the department was reviewing the decision. The government "
        "has seven days to file a status report, and an appeal to the D.C. Circuit is widely "
        "expected.",
        "The program, created in the early 2000s, has paid for wells, storage tanks and "
        "treatment plants in towns of fewer than 10,000 people. Its budget last year was about "
        "$310 million.",
        "Lawyers for the water authority said they would ask the court to make the injunction "
        "permanent. A hearing on the merits has not yet been scheduled.",
    ],
}
