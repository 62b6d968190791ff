"""Locale: the user's setting, then the language chosen on the site, then Accept-Language."""

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_login import current_user

APP_DIR = Path(__file__).resolve().parent


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a job, or a lean socket event (which forces its own locale)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_directories() -> str:
    """Every package may keep its own `translations/` folder; Flask-Babel merges them."""
    dirs = [str(p) for p in sorted(APP_DIR.glob("**/translations")) if p.is_dir()]
    return ";".join(dirs) or str(APP_DIR / "translations")


def compile_catalogs() -> int:
    """Compile every messages.po to .mo (run by `make`, the test suite and `flask i18n compile`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po in APP_DIR.glob("**/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        count += 1
    return count
