"""Build the default course and read the HTML a client or facilitator would see."""

from __future__ import annotations

import html as html_module
import re

import pytest
from pypdf import PdfReader


def _nav_titles(html: str) -> list[str]:
    """Return the titles of the primary nav links, in order."""
    nav = html.split('class="md-nav md-nav--primary"', 1)[1].split("md-sidebar--secondary", 1)[0]
    nav = re.sub(r'<nav class="md-nav md-nav--secondary".*?</nav>', "", nav, flags=re.S)
    titles = [html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", t)).strip()) for t in
              re.findall(r'class="md-ellipsis"[^>]*>(.*?)</span>', nav, re.S)]
    # A section's title appears twice (its toggle and its list heading): keep it once.
    return [t for i, t in enumerate(titles) if i == 0 or t != titles[i - 1]]


def test_nav_follows_the_curriculum_order(built_default, default_course):
    titles = _nav_titles(built_default.html(""))
    weeks_in_nav = [t for t in titles if re.fullmatch(r"Week \d+", t)]
    assert weeks_in_nav == [f"Week {w}" for w in range(1, 17)]
    # The nav is pruned (navigation.prune): a week's page shows that week's sessions.
    tracks = "|".join(re.escape(t.name) for t in default_course.group_tracks)
    session_titles = [t.split(": ", 1)[1] for week, _ in default_course.weeks
                      for t in _nav_titles(built_default.html(f"week-{week:02d}"))
                      if re.match(rf"({tracks}) \d+: ", t)]
    assert session_titles == [s.module.meta.title for s in default_course.sessions]
    assert titles.index("Schedule") < titles.index("Week 1") < titles.index("For facilitators")


def test_every_session_page_shows_reading_and_worksheet(built_default, default_course):
    for session in default_course.sessions:
        module = session.module
        html = built_default.html(session.slug)
        opening = " ".join(re.sub(r"[*_`]", "", module.reading).split()[:6])
        assert opening in html_module.unescape(re.sub(r"<[^>]+>", "", html)), session.slug
        assert 'id="worksheet"' in html
        first_activity = re.search(r"^## (.+)$", module.worksheet, re.M)[1]
        assert f"{first_activity}</h3>" in html
        assert "<h1 id=" in html
        summary = module.meta.summary.replace('"', "'")
        description = re.search(r'<meta name="description" content="([^"]*)"', html)
        assert description and html_module.unescape(description[1]).startswith(summary[:30])


def test_worksheet_fields_have_labels(built_default):
    html = built_default.html("week-02/session-1")
    fields = re.findall(r'<(textarea|input)[^>]*\bid="([^"]+)"', html)
    fields = [(tag, fid) for tag, fid in fields if not fid.startswith("__")]
    assert len(fields) >= 5
    for tag, fid in fields:
        labelled = f'<label for="{fid}">' in html or re.search(
            rf'id="{fid}"[^>]*aria-label="[^"]+"|aria-label="[^"]+"[^>]*id="{fid}"', html)
        assert labelled, f"{tag}#{fid} has no label"


def test_facilitator_guide_is_on_its_own_page(built_default, default_course):
    session = next(s for s in default_course.sessions
                   if s.module.id == "relapse-warning-signs")
    module = session.module
    client = built_default.html(session.slug)
    guide = built_default.html(f"facilitator/{session.slug}")
    step = module.steps[1].title
    assert f"{step} ({module.steps[1].minutes} min)" in guide
    assert "Special considerations" in guide and "Special considerations" not in client
    assert "Timing at a glance" not in client
    for goal in module.meta.goals:
        assert goal in guide


def test_crisis_lines_on_every_page(built_default):
    pages = list(built_default.site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'href="tel:988"' in html, page
        assert "1-800-662-4357" in html, page
        assert 'href="tel:911"' in html, page


def test_schedule_grid_lists_every_session(built_default):
    html = built_default.html("schedule")
    assert html.count('href="../week-') >= 2 * 48
    assert "Wednesday" in html and "EN-03" in html and "MT-11" in html


def test_no_third_party_resources(built_default):
    for page in built_default.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loaded = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//', html)
        assert not loaded, page
        assert "fonts.googleapis.com" not in html


@pytest.mark.slow
def test_client_only_site_has_no_facilitator_pages(small):
    small.replace("mkdocs.yml", "facilitator_pages: true", "facilitator_pages: false")
    small.disable_pdfs()
    small.build()
    assert not (small.site / "facilitator").exists()
    assert "For facilitators" not in small.html("")
    assert (small.site / "week-01/session-1/index.html").exists()
    assert not (small.site / "es/facilitator").exists()  # every language is client-only
    assert (small.site / "es/week-01/session-1/index.html").exists()


@pytest.mark.slow
def test_program_crisis_line_added_everywhere(small, tmp_path):
    small.replace("curriculum/default.yml", "tracks:", "crisis_lines:\n"
                  "  - name: Riverside Crisis Team\n    contact: 555-0100\n"
                  "    tel: \"5550100\"\ntracks:")
    small.disable_pdfs()
    small.build()
    for page in ("", "week-01/session-3", "facilitator/week-02/session-3", "es/week-02/session-1"):
        html = small.html(page)
        assert "Riverside Crisis Team" in html and 'href="tel:988"' in html
    result = small.cli("handout", "refusal-skills", "-o", tmp_path / "handout.pdf")
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "handout.pdf").pages)
    assert "Riverside Crisis Team: 555-0100" in text and "988" in text
