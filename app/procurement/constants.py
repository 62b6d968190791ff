"""Procurement codes: service types, round statuses and each service's feature catalogue."""

from flask_babel import lazy_gettext as _l

SERVICE_TYPES = {
    "ai_minutes": _l("AI meeting minutes"),
    "rpa": _l("RPA (robotic process automation)"),
    "elearning": _l("E-learning"),
    "chatbot": _l("Chatbot"),
    "ocr": _l("AI-OCR"),
    "other": _l("Other"),
}

# The challenge category a joint specification is filed under.
SERVICE_CATEGORIES = {
    "ai_minutes": "backoffice_dx",
    "rpa": "backoffice_dx",
    "elearning": "backoffice_dx",
    "chatbot": "counter_services",
    "ocr": "backoffice_dx",
    "other": "backoffice_dx",
}

# Default feature catalogue offered as checkboxes on the requirement sheet (Japanese first: what staff type).
FEATURE_CATALOGUES = {
    "ai_minutes": [
        "話者識別",
        "要約の自動生成",
        "方言・固有名詞の辞書登録",
        "リアルタイム文字起こし",
        "録音ファイルの取込",
        "Word形式での出力",
        "音声データの国内保管",
    ],
    "rpa": ["シナリオの共有", "ノーコード編集", "実行ログの保管", "同時実行ライセンス", "操作研修"],
    "elearning": ["受講履歴の管理", "動画教材", "理解度テスト", "修了証の発行", "教材の自作"],
    "chatbot": ["FAQの一括登録", "多言語対応", "有人チャットへの切替", "利用状況の分析", "LINE連携"],
    "ocr": ["手書き文字の認識", "帳票定義の共有", "読取結果のCSV出力", "RPA連携"],
    "other": [],
}

ROUND_STATUSES = ("draft", "open", "requirements_closed", "specification_published", "awarded", "cancelled")
STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open for opt-in"),
    "requirements_closed": _l("Requirements closed"),
    "specification_published": _l("Specification published"),
    "awarded": _l("Contract awarded"),
    "cancelled": _l("Cancelled"),
}
# Allowed manual transitions (specification_published is reached by publishing the joint challenge).
TRANSITIONS = {
    "draft": {"open", "cancelled"},
    "open": {"requirements_closed", "cancelled"},
    "requirements_closed": {"open", "cancelled"},
    "specification_published": {"awarded", "cancelled"},
    "awarded": set(),
    "cancelled": set(),
}
FINAL_STATUSES = ("awarded", "cancelled")
FEATURE_MAX_LENGTH = 80
FEATURES_MAX = 30
