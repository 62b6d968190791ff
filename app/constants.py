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
# The prefecture codes are their Japanese names (stored as such); these are the display labels.
PREFECTURE_LABELS = {
    "北海道": _l("Hokkaido"), "青森県": _l("Aomori"), "岩手県": _l("Iwate"), "宮城県": _l("Miyagi"), "秋田県": _l("Akita"),
    "山形県": _l("Yamagata"), "福島県": _l("Fukushima"), "茨城県": _l("Ibaraki"), "栃木県": _l("Tochigi"), "群馬県": _l("Gunma"),
    "埼玉県": _l("Saitama"), "千葉県": _l("Chiba"), "東京都": _l("Tokyo"), "神奈川県": _l("Kanagawa"), "新潟県": _l("Niigata"),
    "富山県": _l("Toyama"), "石川県": _l("Ishikawa"), "福井県": _l("Fukui"), "山梨県": _l("Yamanashi"), "長野県": _l("Nagano"),
    "岐阜県": _l("Gifu"), "静岡県": _l("Shizuoka"), "愛知県": _l("Aichi"), "三重県": _l("Mie"), "滋賀県": _l("Shiga"),
    "京都府": _l("Kyoto"), "大阪府": _l("Osaka"), "兵庫県": _l("Hyogo"), "奈良県": _l("Nara"), "和歌山県": _l("Wakayama"),
    "鳥取県": _l("Tottori"), "島根県": _l("Shimane"), "岡山県": _l("Okayama"), "広島県": _l("Hiroshima"), "山口県": _l("Yamaguchi"),
    "徳島県": _l("Tokushima"), "香川県": _l("Kagawa"), "愛媛県": _l("Ehime"), "高知県": _l("Kochi"), "福岡県": _l("Fukuoka"),
    "佐賀県": _l("Saga"), "長崎県": _l("Nagasaki"), "熊本県": _l("Kumamoto"), "大分県": _l("Oita"), "宮崎県": _l("Miyazaki"),
    "鹿児島県": _l("Kagoshima"), "沖縄県": _l("Okinawa"),
}
PREFECTURE_LABELS[NATIONWIDE] = _l("Nationwide")
LANGUAGES = ("ja", "en")

# KPI units people pick from the suggestions (stored as typed); other units are shown as typed.
KPI_UNIT_LABELS = {
    "件": _l("cases"), "人": _l("people"), "時間": _l("hours"), "分": _l("minutes"), "日": _l("days"),
    "円": _l("yen"), "万円": _l("×10,000 yen"), "回": _l("times"), "点": _l("points"),
}
KPI_UNIT_SUGGESTIONS = ("%", "件", "人", "時間", "分", "日", "円", "万円", "回", "kWh", "t", "点")
