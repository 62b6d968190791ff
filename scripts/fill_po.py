"""Developer tool: merge a {msgid: translation} dict into a package's ja catalogue.

    .venv/bin/python scripts/fill_po.py app/events translations.py

Extracts the package's strings, keeps existing translations, adds the new ones,
and lists what is still untranslated. (Editing messages.po by hand works too.)
"""
import runpy
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(package: str, dict_file: str | None) -> None:
    pkg = Path(package)
    po_path = pkg / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    pot = Path("/tmp") / f"{pkg.name}.pot"
    inputs = [str(pkg)] if pkg.name != "app" else ["app"]
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "--no-location", "-o", str(pot), *inputs], check=True,
                   capture_output=True)
    with pot.open("rb") as f:
        template = read_po(f)
    existing = {}
    if po_path.exists():
        with po_path.open("rb") as f:
            existing = {m.id: m.string for m in read_po(f) if m.id}
    new = runpy.run_path(dict_file)["T"] if dict_file else {}
    template.locale = "ja"
    missing = []
    for message in template:
        if not message.id:
            continue
        message.string = new.get(message.id) or existing.get(message.id) or ""
        if not message.string:
            missing.append(message.id)
    for msgid, text in {**existing, **new}.items():  # keep strings used dynamically (not extractable)
        if msgid not in template:
            template.add(msgid, text)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as f:
        write_po(f, template, omit_header=False, width=120)
    print(f"{po_path}: {len(missing)} untranslated")
    for m in missing:
        print("  -", m)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
