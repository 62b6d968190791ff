"""Page benchmark: latency of the busiest public pages on a production-sized database.

    .venv/bin/python benchmarks/pages.py                 # load data if needed, serve with gunicorn, measure
    .venv/bin/python benchmarks/pages.py --explain       # query counts per request + EXPLAIN ANALYZE
    .venv/bin/python benchmarks/pages.py --reload        # drop and reload the benchmark database

1. Loads 10,000 challenges and 100,000 solutions (about 300 organisations) into PostgreSQL
   (BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages) with COPY.
   Text comes from Japanese/English templates with a fixed random seed, so every run sees the same data.
2. Serves the app as in production: gunicorn, gthread workers, APP_ENV=production.
3. Open-loop load at a fixed offered rate per endpoint (latency from the *scheduled* send time, so a slow
   server is not hidden by a client that waits: no coordinated omission), then a closed-loop saturation
   run. Prints a markdown table and writes JSON to benchmarks/results/.

With BENCH_COUNT_QUERIES=1 (always on with --explain) the server runs behind `QueryCounter`, a WSGI
middleware defined here (not in the app) that counts SQL statements per request and returns the count in
the `X-Bench-Queries` header; the table then shows the mean queries per request.
Only the standard library and `requests` are used on the client side. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages"
N_CHALLENGES, N_SOLUTIONS, N_MUNICIPALITIES, N_STARTUPS = 10_000, 100_000, 200, 100
SEED = 20260401

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------------------------
# Query counting middleware (loaded by gunicorn as `pages:counting_app()` when BENCH_COUNT_QUERIES=1)
# ---------------------------------------------------------------------------------------------
class QueryCounter:
    """Counts the SQL statements each request runs (thread-local: one request per thread in gthread)
    and adds `X-Bench-Queries` / `X-Bench-Query-Ms` headers. Optionally keeps the statements."""

    def __init__(self, wsgi_app, engine, keep_statements: bool = False):
        from sqlalchemy import event

        self.wsgi_app, self.keep = wsgi_app, keep_statements
        self.local = threading.local()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if getattr(self.local, "count", None) is None:
            return
        self.local.count += 1
        self.local.started = time.perf_counter()
        if self.keep:
            self.local.statements.append((statement, parameters))

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if getattr(self.local, "count", None) is not None and getattr(self.local, "started", None):
            self.local.ms += (time.perf_counter() - self.local.started) * 1000

    def __call__(self, environ, start_response):
        self.local.count, self.local.ms, self.local.statements = 0, 0.0, []

        def counted_start_response(status, headers, exc_info=None):
            headers = list(headers) + [
                ("X-Bench-Queries", str(self.local.count)),
                ("X-Bench-Query-Ms", f"{self.local.ms:.1f}"),
            ]
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, counted_start_response)
        finally:
            self.last_statements = self.local.statements
            self.local.count = None


def counting_app():
    """gunicorn entry point: the production app wrapped in QueryCounter."""
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        engine = db.engine
    app.wsgi_app = QueryCounter(app.wsgi_app, engine)
    return app


# ---------------------------------------------------------------------------------------------
# Data: templates with a fixed seed
# ---------------------------------------------------------------------------------------------
CATEGORIES = (
    "counter_services",
    "childcare_education",
    "health_welfare",
    "disaster_safety",
    "agriculture_wildlife",
    "tourism_culture",
    "mobility_transport",
    "environment_energy",
    "infrastructure",
    "backoffice_dx",
    "economy_employment",
    "community",
)
PREFECTURES = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)
PLACE_PARTS = (
    "山",
    "川",
    "田",
    "中",
    "北",
    "南",
    "東",
    "西",
    "高",
    "大",
    "小",
    "松",
    "森",
    "浜",
    "岡",
    "野",
    "原",
    "島",
    "沢",
    "津",
    "宮",
    "富",
    "桜",
    "緑",
    "城",
    "平",
    "本",
    "新",
    "石",
    "泉",
)
PLACE_ROMAJI = {
    "山": "yama",
    "川": "kawa",
    "田": "ta",
    "中": "naka",
    "北": "kita",
    "南": "minami",
    "東": "higashi",
    "西": "nishi",
    "高": "taka",
    "大": "o",
    "小": "ko",
    "松": "matsu",
    "森": "mori",
    "浜": "hama",
    "岡": "oka",
    "野": "no",
    "原": "hara",
    "島": "shima",
    "沢": "sawa",
    "津": "tsu",
    "宮": "miya",
    "富": "tomi",
    "桜": "sakura",
    "緑": "midori",
    "城": "shiro",
    "平": "hira",
    "本": "moto",
    "新": "shin",
    "石": "ishi",
    "泉": "izumi",
}
BRANDS = (
    "ミライ",
    "ツナグ",
    "ヒカリ",
    "コトノハ",
    "マチ",
    "ソラ",
    "ハレ",
    "アオバ",
    "イロドリ",
    "ユイ",
    "カケハシ",
    "シズク",
    "ノゾミ",
    "ワカバ",
    "サクラ",
    "ミチ",
    "タスキ",
    "ホシ",
    "モリ",
    "ナギ",
)
BRANDS_EN = (
    "Mirai",
    "Tsunagu",
    "Hikari",
    "Kotonoha",
    "Machi",
    "Sora",
    "Hare",
    "Aoba",
    "Irodori",
    "Yui",
    "Kakehashi",
    "Shizuku",
    "Nozomi",
    "Wakaba",
    "Sakura",
    "Michi",
    "Tasuki",
    "Hoshi",
    "Mori",
    "Nagi",
)
SUFFIXES = ("テック", "ラボ", "ワークス", "システムズ", "デザイン")
# (category, Japanese topic, English topic)
TOPICS = (
    ("counter_services", "窓口での各種申請受付", "counter applications"),
    ("counter_services", "転入・転出手続き", "moving-in and moving-out procedures"),
    ("childcare_education", "保育所入所選考", "nursery admission matching"),
    ("childcare_education", "学童保育の申込受付", "after-school care applications"),
    ("health_welfare", "介護認定調査", "care-needs certification"),
    ("health_welfare", "高齢者の見守り", "watching over elderly residents"),
    ("disaster_safety", "避難所の運営", "evacuation shelter operations"),
    ("disaster_safety", "災害時の問い合わせ対応", "disaster-time enquiries"),
    ("agriculture_wildlife", "鳥獣被害対策", "wildlife damage control"),
    ("agriculture_wildlife", "農地の利用状況調査", "farmland use surveys"),
    ("tourism_culture", "観光地の混雑", "tourist congestion"),
    ("tourism_culture", "文化財のデジタルアーカイブ", "digital archives of cultural assets"),
    ("mobility_transport", "デマンド交通の配車", "demand-responsive transport dispatch"),
    ("mobility_transport", "放置自転車対策", "abandoned bicycles"),
    ("environment_energy", "ごみの分別", "waste sorting"),
    ("environment_energy", "公共施設の省エネルギー", "energy saving in public buildings"),
    ("infrastructure", "道路損傷の把握", "road damage detection"),
    ("infrastructure", "橋梁・公共施設の点検", "bridge and facility inspection"),
    ("backoffice_dx", "議事録作成", "meeting minutes"),
    ("backoffice_dx", "税務申告書の入力", "tax return data entry"),
    ("economy_employment", "商店街の活性化", "shopping-street revitalisation"),
    ("economy_employment", "事業承継の支援", "business succession support"),
    ("community", "回覧板のデジタル化", "digital neighbourhood notices"),
    ("community", "空き家の活用", "vacant house reuse"),
)
ACTIONS = (
    ("効率化", "Streamlining"),
    ("デジタル化", "Digitising"),
    ("省力化", "Reducing the workload of"),
    ("見える化", "Making visible"),
    ("自動化", "Automating"),
    ("高度化", "Improving"),
)
PRODUCTS = (
    ("AI議事録", "AI meeting minutes", "backoffice_dx"),
    ("チャットボット", "chatbot", "counter_services"),
    ("AI-OCR", "AI-OCR", "backoffice_dx"),
    ("オンライン申請", "online applications", "counter_services"),
    ("見守りセンサー", "monitoring sensors", "health_welfare"),
    ("需要予測", "demand forecasting", "tourism_culture"),
    ("配車システム", "dispatch system", "mobility_transport"),
    ("点検アプリ", "inspection app", "infrastructure"),
    ("翻訳タブレット", "translation tablet", "counter_services"),
    ("データダッシュボード", "data dashboard", "economy_employment"),
    ("わなセンサー", "trap sensors", "agriculture_wildlife"),
    ("避難所管理", "shelter management", "disaster_safety"),
    ("保育AI", "nursery matching AI", "childcare_education"),
    ("分別ガイド", "sorting guide", "environment_energy"),
    ("地域SNS", "community app", "community"),
)
SEARCH_TERMS = (
    "議事録",
    "チャットボット",
    "AI-OCR",
    "見守り",
    "防災",
    "観光",
    "保育",
    "LGWAN",
    "minutes",
    "chatbot",
    "translation",
    "dashboard",
    "sensor",
    "OCR",
)
CERTS = ("ISMAP", "ISMS", "PrivacyMark", "LGWAN-ASP", "SOC2")
ENV_CHOICES = (
    (True, False, False),
    (False, True, False),
    (False, False, True),
    (True, True, False),
    (True, False, True),
    (False, True, True),
)


def _place(rng: random.Random) -> tuple[str, str]:
    a, b = rng.sample(PLACE_PARTS, 2)
    return a + b, (PLACE_ROMAJI[a] + PLACE_ROMAJI[b]).capitalize()


def make_orgs(rng: random.Random, now: datetime) -> list[dict]:
    orgs, seen = [], set()
    while len(orgs) < N_MUNICIPALITIES:
        name, romaji = _place(rng)
        if name in seen:
            continue
        seen.add(name)
        pref, kind_ja, kind_en = (
            rng.choice(PREFECTURES),
            *rng.choice((("市", "City"), ("町", "Town"), ("村", "Village"))),
        )
        orgs.append(
            dict(
                id=len(orgs) + 1,
                slug=f"bench-{romaji.lower()}-{len(orgs)}",
                kind="municipality",
                name_ja=f"{pref}{name}{kind_ja}",
                name_en=f"{romaji} {kind_en}",
                prefecture=pref,
                population_band=rng.choice(("lt10k", "10k_50k", "50k_100k", "100k_300k", "300k_1m")),
                description=f"{name}{kind_ja}の行政DXを推進しています。",
                created_at=now,
                updated_at=now,
            )
        )
    for i in range(N_STARTUPS):
        j = rng.randrange(len(BRANDS))
        suffix = rng.choice(SUFFIXES)
        orgs.append(
            dict(
                id=len(orgs) + 1,
                slug=f"bench-startup-{i}",
                kind="startup",
                name_ja=f"株式会社{BRANDS[j]}{suffix}{i}",
                name_en=f"{BRANDS_EN[j]} Inc. {i}",
                prefecture=rng.choice(("東京都", "大阪府", "福岡県", "愛知県", "京都府", "北海道", "長野県")),
                population_band=None,
                description="自治体向けのクラウドサービスを開発しています。",
                website=f"https://example.jp/startup-{i}",
                created_at=now,
                updated_at=now,
            )
        )
    return orgs


def make_challenges(rng: random.Random, orgs: list[dict], now: datetime) -> tuple[list[dict], list[dict]]:
    cities = [o for o in orgs if o["kind"] == "municipality"]
    today = now.date()
    challenges, co_owners = [], []
    statuses = ("published",) * 60 + ("closed",) * 15 + ("awarded",) * 10 + ("draft",) * 10 + ("cancelled",) * 5
    for i in range(1, N_CHALLENGES + 1):
        owner = rng.choice(cities)
        category, topic_ja, topic_en = rng.choice(TOPICS)
        action_ja, action_en = rng.choice(ACTIONS)
        english = rng.random() < 0.15
        status = rng.choice(statuses)
        deadline = now + timedelta(days=rng.randint(-180, 120), hours=rng.randint(0, 23))
        lgwan, internet, onprem = rng.choice(ENV_CHOICES)
        budget_max = rng.choice((500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 30_000_000))
        pilot_start = today + timedelta(days=rng.randint(-60, 180))
        title = (
            f"{action_en} {topic_en} in {owner['name_en']}"
            if english
            else f"{owner['name_ja']}：{topic_ja}の{action_ja}に向けた実証"
        )
        summary = (
            f"{owner['name_en']} is looking for a partner for {topic_en}. Staff spend many hours a week on "
            f"manual work; we want to cut it by half within a year."
            if english
            else f"{owner['name_ja']}では{topic_ja}に職員が多くの時間を費やしています。{action_ja}により、"
            f"住民サービスの向上と職員の負担軽減を両立できる提案を募集します。"
        )
        challenges.append(
            dict(
                id=i,
                owner_org_id=owner["id"],
                created_by_id=None,
                title=title[:200],
                summary=summary,
                background=summary * 2,
                current_workflow=f"{topic_ja}は紙と表計算ソフトで管理しています。",
                desired_outcome=f"{topic_ja}の処理時間を半減させる。",
                kpis=[f"{topic_ja}の処理時間 50%削減"],
                category=category,
                tags=[topic_ja, action_ja],
                security_level=rng.randint(1, 3),
                budget_min_jpy=budget_max // 5,
                budget_max_jpy=budget_max,
                application_deadline=deadline,
                pilot_start=pilot_start,
                pilot_end=pilot_start + timedelta(days=rng.choice((90, 180, 365))),
                status=status,
                visibility="members" if rng.random() < 0.1 else "public",
                language="en" if english else "ja",
                env_lgwan=lgwan,
                env_internet=internet,
                env_onprem=onprem,
                published_at=(deadline - timedelta(days=rng.randint(30, 60))) if status != "draft" else None,
                rubric_id=None,
                created_at=now - timedelta(days=200 - i % 200),
                updated_at=now,
            )
        )
        if rng.random() < 0.05:  # joint challenges with one or two co-owners
            for partner in rng.sample(cities, rng.randint(1, 2)):
                if partner["id"] != owner["id"]:
                    co_owners.append(
                        dict(
                            id=len(co_owners) + 1,
                            challenge_id=i,
                            org_id=partner["id"],
                            status=rng.choice(("accepted", "accepted", "invited")),
                            invited_by_id=None,
                            created_at=now,
                            updated_at=now,
                        )
                    )
    return challenges, co_owners


def make_solutions(rng: random.Random, orgs: list[dict], now: datetime) -> list[dict]:
    startups = [o for o in orgs if o["kind"] == "startup"]
    statuses = ("published",) * 85 + ("draft",) * 10 + ("archived",) * 5
    rows = []
    for i in range(1, N_SOLUTIONS + 1):
        org = rng.choice(startups)
        product_ja, product_en, category = rng.choice(PRODUCTS)
        j = rng.randrange(len(BRANDS))
        english = rng.random() < 0.2
        lgwan, internet, onprem = rng.choice(ENV_CHOICES)
        title = f"{BRANDS_EN[j]} {product_en} {i}" if english else f"{BRANDS[j]}{product_ja} {i}"
        summary = (
            f"A {product_en} for municipalities. Works on {'LGWAN' if lgwan else 'the internet'}; "
            f"set up in two weeks, with training for staff."
            if english
            else f"自治体向けの{product_ja}です。{'LGWAN接続系' if lgwan else 'インターネット接続系'}で利用でき、"
            f"導入から2週間で運用を開始できます。職員向けの研修も行います。"
        )
        rows.append(
            dict(
                id=i,
                org_id=org["id"],
                title=title,
                summary=summary,
                features=[f"{product_ja}の自動化", "職員向け研修", "操作ログの保存"],
                category=category,
                tags=[product_ja, "自治体DX"],
                security_level=rng.randint(1, 3),
                price_jpy_per_year=rng.choice((300_000, 600_000, 1_200_000, 2_400_000, 4_800_000)),
                track_record=[{"municipality": "長野県松本市", "outcome": "業務時間を30%削減"}]
                if rng.random() < 0.3
                else [],
                certifications=rng.sample(CERTS, rng.randint(0, 2)),
                languages=["ja", "en"] if english else ["ja"],
                regions_served=["全国"] if rng.random() < 0.5 else [org["prefecture"]],
                status=rng.choice(statuses),
                language="en" if english else "ja",
                env_lgwan=lgwan,
                env_internet=internet,
                env_onprem=onprem,
                created_at=now,
                updated_at=now,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


MATCHMAKING_DIR = RESULTS_DIR / "pages-matchmaking"


def server_env(url: str, count_queries: bool = False) -> dict:
    # The challenge page shows "similar challenges" from the matchmaking index. It is built before
    # serving (`flask matchmaking reindex`, as a deployment would), lexical-only: embedding 110,000
    # documents with the semantic model takes far longer than a page benchmark should (matching.py
    # measures the model). Challenges search with their stored vectors anyway, never embedding per view.
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY="bench-not-secret",
        DATABASE_URL=url,
        FLASK_APP="wsgi.py",
        PYTHONPATH=str(ROOT),
        MATCHMAKING_DIR=str(MATCHMAKING_DIR),
        MATCHMAKING_SEMANTIC=os.environ.get("MATCHMAKING_SEMANTIC", "off"),
    )
    env.pop("REDIS_URL", None)
    if count_queries:
        env["BENCH_COUNT_QUERIES"] = "1"
    return env


def bench_app(url: str):
    os.environ.update(
        APP_ENV="production",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-not-secret"),
        DATABASE_URL=url,
        MATCHMAKING_DIR=str(MATCHMAKING_DIR),
        MATCHMAKING_SEMANTIC=os.environ.get("MATCHMAKING_SEMANTIC", "off"),
    )
    import logging

    from app import create_app

    logging.basicConfig(level=logging.WARNING)  # production logs INFO; keep the report readable
    return create_app("production", SQLALCHEMY_DATABASE_URI=url)


def data_counts(engine) -> tuple[int, int]:
    from sqlalchemy import inspect, text

    if not {"challenges", "solutions"} <= set(inspect(engine).get_table_names()):
        return 0, 0
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT count(*) FROM challenges")).scalar(),
            conn.execute(text("SELECT count(*) FROM solutions")).scalar(),
        )


def migration_heads() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def schema_is_stale(engine) -> tuple[str, str] | None:
    """(database revision, migration heads) when data loaded by an older schema would break the pages."""
    from sqlalchemy import inspect, text

    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    heads = migration_heads()
    return (",".join(sorted(current)), ",".join(sorted(heads))) if heads and current != heads else None


def create_schema(app, url: str, use_create_all: bool) -> None:
    from app.extensions import db

    has_migrations = any((ROOT / "migrations" / "versions").glob("*.py"))
    if has_migrations and not use_create_all:
        print("Creating the schema: flask db upgrade")
        subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "db", "upgrade"], cwd=ROOT, env=server_env(url), check=True
        )
    else:
        print("Creating the schema: db.create_all()")
        with app.app_context():
            db.create_all()


def copy_rows(raw, table, rows: list[dict]) -> None:
    """COPY `rows` into `table`; columns the generator does not know get their scalar default or NULL."""
    columns = [c for c in table.columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    defaults = {}
    for c in columns:
        default = c.default.arg if c.default is not None and not callable(c.default.arg) else None
        defaults[c.name] = default
    json_cols = {c.name for c in columns if c.type.__class__.__name__ in ("JSON", "JSONB")}
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[c.name], ensure_ascii=False)
                    if c.name in json_cols and c.name in row
                    else row.get(c.name, defaults[c.name])
                    for c in columns
                ]
            )


def load_data(app, url: str, reload: bool, use_create_all: bool) -> dict:
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        engine = db.engine
        if reload:
            print("Dropping the benchmark schema")
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        stale = schema_is_stale(engine) if not use_create_all else None
        if stale:
            print(f"The benchmark schema is at {stale[0]}, the migrations at {stale[1]}: reloading")
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        challenges, solutions = data_counts(engine)
        if challenges >= N_CHALLENGES and solutions >= N_SOLUTIONS:
            print(f"Data already loaded ({challenges} challenges, {solutions} solutions); --reload forces")
            if not any(MATCHMAKING_DIR.glob("gen-*")):
                build_matchmaking_index(url)
            return {"challenges": challenges, "solutions": solutions, "loaded": False}
        if challenges or solutions:
            raise SystemExit("bench_pages holds partial data: run with --reload")
    create_schema(app, url, use_create_all)
    with app.app_context():
        started = time.perf_counter()
        rng, now = random.Random(SEED), datetime.now(timezone.utc)
        orgs = make_orgs(rng, now)
        challenges, co_owners = make_challenges(rng, orgs, now)
        solutions = make_solutions(rng, orgs, now)
        tables = db.metadata.tables
        raw = db.engine.raw_connection()
        try:
            for name, rows in (
                ("organizations", orgs),
                ("challenges", challenges),
                ("challenge_co_owners", co_owners),
                ("solutions", solutions),
            ):
                copy_rows(raw.driver_connection, tables[name], rows)
                raw.driver_connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM \"{name}\"))"
                )
            raw.driver_connection.commit()
        finally:
            raw.close()
        # COPY bypasses the ORM hooks that fill the normalised search columns: fill them as an import would.
        result = app.test_cli_runner().invoke(args=["search-text", "rebuild"])
        if result.exit_code != 0:
            raise SystemExit(f"search-text rebuild failed: {result.output}")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(
            f"Loaded {len(orgs)} organisations, {len(challenges)} challenges, {len(co_owners)} co-owners, "
            f"{len(solutions)} solutions in {time.perf_counter() - started:.1f}s"
        )
    build_matchmaking_index(url)
    return {"challenges": len(challenges), "solutions": len(solutions), "loaded": True}


def build_matchmaking_index(url: str) -> None:
    import shutil

    shutil.rmtree(MATCHMAKING_DIR, ignore_errors=True)
    MATCHMAKING_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "matchmaking", "reindex"],
        cwd=ROOT,
        env=server_env(url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Built the matchmaking index (lexical) in {time.perf_counter() - started:.1f}s")


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------
def endpoint_urls(app) -> dict[str, list[str]]:
    """A fixed, shuffled list of URLs per endpoint; requests cycle through it."""
    from sqlalchemy import text

    from app.extensions import db

    rng = random.Random(SEED + 1)
    with app.app_context():
        ids = [
            r[0]
            for r in db.session.execute(
                text("SELECT id FROM challenges WHERE status = 'published' AND visibility = 'public' ORDER BY id")
            )
        ]
        prefectures = [
            r[0]
            for r in db.session.execute(
                text("SELECT DISTINCT prefecture FROM organizations WHERE kind = 'municipality' ORDER BY 1")
            )
        ]
    search = [
        "/challenges?"
        + urlencode(
            {
                "category": rng.choice(CATEGORIES),
                "prefecture": rng.choice(prefectures),
                "environment": "lgwan",
                "sort": "deadline",
            }
        )
        for _ in range(500)
    ]
    detail = [f"/challenges/{i}" for i in rng.sample(ids, min(2000, len(ids)))]
    api = ["/api/v1/solutions?" + urlencode({"q": rng.choice(SEARCH_TERMS)}) for _ in range(500)]
    return {"challenge_search": search, "challenge_detail": detail, "solutions_api": api}


# ---------------------------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int, threads: int, count_queries: bool, worker_class: str = "gthread"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        target = "pages:counting_app()" if count_queries else "wsgi:app"
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(workers),
            "-k",
            worker_class,
            *(["--threads", str(threads)] if worker_class == "gthread" else []),
            "-b",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(ROOT),
            "--pythonpath",
            f"{ROOT},{ROOT / 'benchmarks'}",
            "--log-level",
            "warning",
            target,
        ]
        self.env = server_env(url, count_queries)
        self.process = None

    def __enter__(self):
        import requests

        print(f"Starting: {' '.join(self.command[1:])}")
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}")
            try:
                if requests.get(self.base + "/challenges", timeout=2).status_code < 500:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not become ready in 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


# ---------------------------------------------------------------------------------------------
# Load generation
# ---------------------------------------------------------------------------------------------
def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    index = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def _fetch(session, url: str, timeout: float) -> tuple[object, int | None]:
    try:
        response = session.get(url, timeout=timeout, allow_redirects=False)
        _ = response.content
        queries = response.headers.get("X-Bench-Queries")
        return response.status_code, int(queries) if queries else None
    except Exception as exc:  # noqa: BLE001 - any failure is an error in the report
        return type(exc).__name__, None


def open_loop(base: str, urls: list[str], rate: float, duration: float, concurrency: int, timeout: float) -> dict:
    """Requests are scheduled every 1/rate s whatever happens to earlier ones; at most `concurrency` are in
    flight, the rest wait in the queue. Latency counts from the scheduled time, queueing included."""
    import queue

    import requests

    work: queue.Queue = queue.Queue()
    results: list[tuple[float, float, object, int | None]] = []

    def worker():
        session = requests.Session()
        while (item := work.get()) is not None:
            scheduled, url = item
            status, queries = _fetch(session, base + url, timeout)
            results.append((scheduled, time.perf_counter(), status, queries))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    total = int(rate * duration)
    start = time.perf_counter() + 0.1
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        work.put((scheduled, urls[i % len(urls)]))
    for _ in threads:
        work.put(None)
    drain_deadline = time.monotonic() + timeout + 5
    for t in threads:
        t.join(timeout=max(0.1, drain_deadline - time.monotonic()))
    done = list(results)
    end = max((r[1] for r in done), default=start)
    summary = summarise([(r[1] - r[0]) * 1000 for r in done], [r[2] for r in done], [r[3] for r in done])
    summary.update(
        offered_rps=rate,
        sent=total,
        unfinished=total - len(done),
        achieved_rps=round(len(done) / max(end - start, 1e-9), 1),
    )
    summary["errors"] += total - len(done)
    return summary


def closed_loop(base: str, urls: list[str], users: int, duration: float, timeout: float) -> dict:
    """Saturation: `users` clients each send the next request as soon as the previous one answered."""
    import requests

    results: list[tuple[float, object, int | None]] = []
    stop_at = time.perf_counter() + duration
    counter = iter(range(10**9))

    def user():
        session = requests.Session()
        while time.perf_counter() < stop_at:
            url = urls[next(counter) % len(urls)]
            started = time.perf_counter()
            status, queries = _fetch(session, base + url, timeout)
            results.append(((time.perf_counter() - started) * 1000, status, queries))

    started = time.perf_counter()
    threads = [threading.Thread(target=user, daemon=True) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + timeout + 5)
    elapsed = time.perf_counter() - started
    summary = summarise([r[0] for r in results], [r[1] for r in results], [r[2] for r in results])
    summary.update(users=users, achieved_rps=round(len(results) / elapsed, 1))
    return summary


def summarise(latencies_ms: list[float], statuses: list, queries: list) -> dict:
    latencies = sorted(latencies_ms)
    counted = [q for q in queries if q is not None]
    codes = Counter(str(s) for s in statuses)
    return {
        "requests": len(latencies),
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "p99_ms": _round(percentile(latencies, 99)),
        "max_ms": _round(latencies[-1] if latencies else None),
        "errors": sum(n for code, n in codes.items() if not (code.isdigit() and int(code) < 400)),
        "statuses": dict(codes),
        "queries_mean": round(statistics.mean(counted), 1) if counted else None,
        "queries_max": max(counted) if counted else None,
    }


def _round(value):
    return None if value is None else round(value, 1)


def warm_up(base: str, urls: list[str], n: int = 20) -> None:
    import requests

    session = requests.Session()
    for url in urls[:n]:
        _fetch(session, base + url, 10)


# ---------------------------------------------------------------------------------------------
# --explain: query counts per request and EXPLAIN ANALYZE of the statements the pages run
# ---------------------------------------------------------------------------------------------
def explain(app, urls: dict[str, list[str]], top: int) -> dict:
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    counter = QueryCounter(app.wsgi_app, engine, keep_statements=True)
    app.wsgi_app = counter
    client = app.test_client()
    report = {}
    for name, endpoint_urls in urls.items():
        print(f"\n## {name}")
        counts = []
        for url in endpoint_urls[:5]:
            started = time.perf_counter()
            response = client.get(url)
            total_ms = (time.perf_counter() - started) * 1000
            counts.append(int(response.headers.get("X-Bench-Queries", 0)))
            print(
                f"- {response.status_code} {url}: {counts[-1]} queries, "
                f"{response.headers.get('X-Bench-Query-Ms')} ms in SQL, {total_ms:.1f} ms in all"
            )
        statements = counter.last_statements
        repeated = Counter(s for s, _ in statements)
        n_plus_one = {s: n for s, n in repeated.items() if n >= 3}
        if n_plus_one:
            print(f"  Possible N+1: {len(n_plus_one)} statement(s) repeated ≥3 times in one request:")
            for s, n in n_plus_one.items():
                print(f"    {n}× {' '.join(s.split())[:160]}")
        plans = []
        seen = set()
        with engine.connect() as conn:
            for statement, params in statements:
                if statement in seen or not statement.lstrip().upper().startswith("SELECT"):
                    continue
                seen.add(statement)
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
                plan = "\n".join(r[0] for r in rows)
                ms = next(
                    (float(r[0].split(":")[1].split()[0]) for r in rows if r[0].startswith("Execution Time")), 0.0
                )
                plans.append((ms, " ".join(statement.split()), plan))
            conn.execute(text("SELECT 1"))
        plans.sort(key=lambda p: -p[0])
        for ms, statement, plan in plans[:top]:
            print(f"\n  {ms:.2f} ms  {statement[:300]}\n" + "\n".join("    " + line for line in plan.splitlines()))
        report[name] = {
            "queries_per_request": counts,
            "repeated": n_plus_one,
            "plans": [{"ms": ms, "sql": s, "plan": p} for ms, s, p in plans[:top]],
        }
    return report


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def markdown_table(results: dict) -> str:
    lines = [
        "| endpoint | run | offered rps | achieved rps | p50 ms | p95 ms | p99 ms | errors | queries/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in results.items():
        for run, r in runs.items():
            offered = r.get("offered_rps", f"closed, {r.get('users')} users")
            lines.append(
                f"| {name} | {run} | {offered} | {r['achieved_rps']} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['p99_ms']} | {r['errors']} / {r['requests'] + r.get('unfinished', 0)} | "
                f"{r['queries_mean'] if r['queries_mean'] is not None else '–'} |"
            )
    return "\n".join(lines)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="drop and reload the benchmark data")
    parser.add_argument("--create-all", action="store_true", help="db.create_all() instead of flask db upgrade")
    parser.add_argument("--explain", action="store_true", help="query counts + EXPLAIN ANALYZE, then exit")
    parser.add_argument("--top", type=int, default=3, help="plans shown per endpoint with --explain")
    parser.add_argument("--duration", type=float, default=30, help="seconds of open-loop load per endpoint")
    parser.add_argument("--rate", type=float, default=100, help="offered requests/s (open loop)")
    parser.add_argument("--concurrency", type=int, default=50, help="max requests in flight (open loop)")
    parser.add_argument("--users", type=int, default=50, help="closed-loop users for the saturation run")
    parser.add_argument("--saturation-duration", type=float, default=15, help="seconds per saturation run")
    parser.add_argument("--no-saturation", action="store_true")
    parser.add_argument("--timeout", type=float, default=10, help="per-request timeout (s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=("gthread", "gevent", "sync"),
        help="gunicorn worker class (the README's Socket.IO deployment uses gevent)",
    )
    parser.add_argument("--endpoints", default="challenge_search,challenge_detail,solutions_api")
    args = parser.parse_args(argv)

    url = database_url()
    app = bench_app(url)
    data = load_data(app, url, args.reload, args.create_all)
    urls = {k: v for k, v in endpoint_urls(app).items() if k in args.endpoints.split(",")}
    count_queries = os.environ.get("BENCH_COUNT_QUERIES") == "1"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if args.explain:
        report = explain(app, urls, args.top)
        path = RESULTS_DIR / f"pages-explain-{stamp}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        print(f"\nWrote {path.relative_to(ROOT)}")
        return 0

    results: dict = {}
    with Server(url, args.workers, args.threads, count_queries, args.worker_class) as server:
        for name, endpoint in urls.items():
            warm_up(server.base, endpoint)
            print(f"{name}: open loop {args.rate:g} rps for {args.duration:g} s …", flush=True)
            results[name] = {
                "open": open_loop(server.base, endpoint, args.rate, args.duration, args.concurrency, args.timeout)
            }
            if not args.no_saturation:
                print(f"{name}: saturation, {args.users} users for {args.saturation_duration:g} s …", flush=True)
                results[name]["saturation"] = closed_loop(
                    server.base, endpoint, args.users, args.saturation_duration, args.timeout
                )
    table = markdown_table(results)
    print("\n" + table)
    meta = {
        "when": stamp,
        "commit": git_commit(),
        "cpus": os.cpu_count(),
        "data": data,
        "server": {"workers": args.workers, "threads": args.threads, "worker_class": args.worker_class},
        "rate": args.rate,
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "users": args.users,
        "count_queries": count_queries,
    }
    path = RESULTS_DIR / f"pages-{stamp}.json"
    path.write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
