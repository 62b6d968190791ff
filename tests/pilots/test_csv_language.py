"""The pilot library's CSV download (and a pilot's KPI measurements) speaks the user's language: headers
and code values (prefecture, category, environment, status, KPI unit and direction) are translated;
only what users typed stays as typed."""

from __future__ import annotations

import csv
import io
import re

from tests.factories import MunicipalityFactory, member_of
from tests.pilots.factories import PilotFactory, add_kpi

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _pilot():
    city = MunicipalityFactory(name_ja="松本市", name_en="Matsumoto City", prefecture="長野県")
    pilot = PilotFactory(
        municipality=city,
        municipality_id=city.id,
        title="窓口予約の実証実験",
        environment="lgwan",
        category="counter_services",
        status="running",
    )
    add_kpi(pilot, name="平均待ち時間", unit="分", direction="lower_is_better", values=[45, 40])
    return pilot


def test_an_english_user_downloads_the_library_in_english(login, db):
    pilot = _pilot()
    client = login(member_of(MunicipalityFactory(), "member", locale="en"))
    header, *rows = _rows(client.get("/pilots.csv"))
    assert header[:8] == ["ID", "Title", "Municipality", "Prefecture", "Startup", "Category", "Environment", "Status"]
    row = next(r for r in rows if r[0] == str(pilot.id))
    assert row[2:4] == ["Matsumoto City", "Nagano"]
    assert row[5:8] == ["Counter services & procedures", "LGWAN", "Running"]
    startup = pilot.solution.organization
    assert row[4] == startup.name_en
    user_text = {pilot.title}
    for cell in header + row:
        assert cell in user_text or not JAPANESE.search(cell), cell
    kpi_header, kpi_row, _second = _rows(client.get(f"/pilots/{pilot.id}/measurements.csv"))
    assert kpi_header[:3] == ["KPI", "Unit", "Direction"]
    assert kpi_row[:3] == ["平均待ち時間", "minutes", "Lower is better"]  # the KPI's name is user text
    for cell in kpi_header + kpi_row[1:]:
        assert not JAPANESE.search(cell), cell


def test_a_japanese_user_downloads_it_in_japanese(login, db):
    pilot = _pilot()
    client = login(member_of(MunicipalityFactory(), "member"))
    header, *rows = _rows(client.get("/pilots.csv"))
    assert "自治体" in header and "都道府県" in header and "ID" in header
    row = next(r for r in rows if r[0] == str(pilot.id))
    assert row[2:4] == ["松本市", "長野県"] and row[6] == "LGWAN" and row[7] == "実施中"
    assert "counter_services" not in row and "lgwan" not in row
    _kpi_header, kpi_row, _second = _rows(client.get(f"/pilots/{pilot.id}/measurements.csv"))
    assert "lower_is_better" not in kpi_row and kpi_row[1] == "分"
