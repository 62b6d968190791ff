"""Every page of the permission matrix, rendered for an English user over the demo data, holds no
Japanese that comes from templates or code.

How template/code text is told apart from user content:
1. The database is filled with `flask seed-demo` plus the permission matrix's world.
2. Every string value of every text column (and every string inside JSON columns) is collected:
   that is what users typed (titles, descriptions, names, KPI labels, file names...).
   Values of *code* enumerations stored in the database (the 47 prefectures, 「全国」) are removed
   from that set, because the UI must translate them; a page showing 「長野県」 in English fails.
3. Each rendered page is split into text nodes (plus the title, alt, aria-label and placeholder
   attributes, which people read too). A node is user content when it is a piece of one collected
   value (truncated summaries, one paragraph of a description), otherwise every collected value
   found inside it is cut out, longest first.
4. What remains must contain no kana or kanji. The failure lists page, role and the offending text.
Pages are rendered for every role the matrix expects a 200 for, since roles see different panels.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import JSON, String, Text, select

from app.constants import KPI_UNIT_LABELS, PREFECTURE_LABELS
from app.extensions import db
from tests.permissions.test_matrix import CASES
from tests.permissions.world import ROLES, build_world

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f「」『』、。・]")
CODE_VALUES = set(PREFECTURE_LABELS) | set(KPI_UNIT_LABELS)
READ_ATTRS = {"title", "alt", "aria-label", "placeholder"}
SKIP_TAGS = {"script", "style"}
FRAGMENT_TAGS = {"ins", "del", "mark"}  # diff and highlight pieces of user text


class _Texts(HTMLParser):
    """Text nodes and read attributes as (text, is_fragment). Skips scripts and `lang="ja"` elements
    (the language switcher's 「日本語」 is meant to be Japanese); marks text inside <ins>/<del>/<mark>
    and `class="term"` (diff pieces, highlights and key terms cut from user text) as fragments."""

    def __init__(self):
        super().__init__()
        self.texts: list[tuple[str, bool]] = []
        self._open: list[list] = []  # [tag, depth, kind] of open skip/ja/fragment elements

    def _kinds(self):
        return {kind for _tag, _depth, kind in self._open}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._open and tag == self._open[-1][0]:
            self._open[-1][1] += 1
        elif tag in SKIP_TAGS or ((attrs.get("lang") or "").startswith("ja") and tag != "html"):
            self._open.append([tag, 1, "skip"])
        elif tag in FRAGMENT_TAGS or "term" in (attrs.get("class") or "").split():
            self._open.append([tag, 1, "fragment"])
        if "skip" not in self._kinds():
            self.texts.extend((v, False) for k, v in attrs.items() if k in READ_ATTRS and v)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[-1][0]:
            self._open[-1][1] -= 1
            if not self._open[-1][1]:
                self._open.pop()

    def handle_data(self, data):
        kinds = self._kinds()
        if "skip" not in kinds and data.strip():
            self.texts.append((data, "fragment" in kinds))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def user_strings() -> list[str]:
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                for s in _strings(value):
                    for part in [s, *s.replace("\r\n", "\n").split("\n")]:
                        part = " ".join(part.split())
                        if part and JAPANESE.search(part) and part not in CODE_VALUES:
                            values.add(part)
    return sorted(values, key=len, reverse=True)


def leftover_japanese(html: str, values: list[str], corpus: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = []
    for text, fragment in parser.texts:
        text = " ".join(text.split())
        if not JAPANESE.search(text):
            continue
        core = text.strip(" …．.").strip()
        if core and f"\x00{core}" in corpus or ((fragment or len(core) >= 4) and core in corpus):
            continue
        rest = text
        for value in values:
            if value in rest:
                rest = rest.replace(value, " ")
        if JAPANESE.search(rest):
            found.append(text)
    return found


@pytest.fixture
def demo_world(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    world = build_world()
    for user in world.users.values():
        user.locale = "en"
    db.session.commit()
    return world


PAGES = [c for c in CASES if c.method == "GET" and not c.rule.startswith("/api/")]


def test_english_pages_hold_no_japanese_outside_user_content(app, login, demo_world):
    values = user_strings()
    corpus = "\x00" + "\x00".join(values) + "\x00"
    problems: dict[str, list[str]] = {}
    rendered = 0
    for case in PAGES:
        for role in ROLES:
            if case.expected[role] != 200:
                continue
            client = app.test_client() if role == "anonymous" else login(demo_world.users[role])
            response = client.get(case.path.format(**demo_world.ids), headers={"Accept-Language": "en"})
            if response.status_code != 200 or not response.content_type.startswith("text/html"):
                continue
            rendered += 1
            for text in leftover_japanese(response.get_data(as_text=True), values, corpus):
                problems.setdefault(text[:120], []).append(f"{case.rule} [{role}]")
    assert rendered > 50
    report = [f"{text!r} on {', '.join(sorted(set(where))[:3])}" for text, where in sorted(problems.items())]
    assert not report, f"{len(report)} Japanese texts in English pages:\n" + "\n".join(report)
