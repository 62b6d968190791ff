"""Codes shared by every domain (see docs/vocabulary.md). Labels are translated at display time."""
from flask_babel import lazy_gettext as _l

ENVIRONMENTS = ("lgwan", "internet", "onprem")
ENVIRONMENT_LABELS = {"lgwan": _l("LGWAN"), "internet": _l("Internet"), "onprem": _l("On-premises")}

SECURITY_LEVELS = {1: _l("1 – public information only"), 2: _l("2 – internal information"),
                   3: _l("3 – personal or sensitive information")}

CATEGORIES = {
    "counter_services": _l("Counter services & procedures"),
    "childcare_education": _l("Childcare & education"),
    "health_welfare": _l("Health, welfare & care"),
    "disaster_safety": _l("Disaster prevention & safety"),
    "agriculture_wildlife": _l("Agriculture & wildlife damage"),
    "tourism_culture": _l("Tourism & culture"),
    "mobility_transport": _l("Mobility & transport"),
    "environment_energy": _l("Environment & energy"),
    "infrastructure": _l("Infrastructure & public facilities"),
    "backoffice_dx": _l("Back office & DX"),
    "economy_employment": _l("Economy & employment"),
    "community": _l("Community"),
}

POPULATION_BAND_LABELS = {
    "lt10k": _l("under 10,000"), "10k_50k": _l("10,000–50,000"), "50k_100k": _l("50,000–100,000"),
    "100k_300k": _l("100,000–300,000"), "300k_1m": _l("300,000–1,000,000"), "gt1m": _l("over 1,000,000"),
}

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
NATIONWIDE = "全国"
LANGUAGES = ("ja", "en")
