"""Titles of replicated pilots: the copy is named for the replicating municipality.

A source title carries its municipality's name in brackets (「審議会議事録のAI作成（加賀市）」,
"Minutes by AI (Kaga City)") or as a prefix (「加賀市の…」, "Kaga City: …"). The copy gets the replicating
municipality's name in the same place, in the same language; a title without the source's name is kept.
"""

from __future__ import annotations

import re

OPEN, CLOSE = "（(【[「〔", "）)】]」〕"
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_DISTRICT = re.compile(r"^.+?郡(?=.+[市町村]$)")
_EN_KIND = re.compile(r"\s+(city|town|village|ward|prefecture)$", re.IGNORECASE)


def _is_japanese(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)


def local_name_ja(org) -> str:
    """「長野県下伊那郡阿智村」→「阿智村」: without the prefecture and the district."""
    name = (org.name_ja or "").strip()
    if org.prefecture and name.startswith(org.prefecture) and len(name) > len(org.prefecture):
        name = name[len(org.prefecture) :]
    elif _PREFECTURE.match(name) and len(name) > len(_PREFECTURE.match(name).group(0)) + 1:
        name = name[len(_PREFECTURE.match(name).group(0)) :]
    return _DISTRICT.sub("", name)


def local_name_en(org) -> str | None:
    """ "Achi Village, Nagano" → "Achi Village"."""
    return (org.name_en or "").split(",")[0].strip() or None


def place_names(org) -> list[str]:
    """The forms of an organisation's name a title may carry, longest first (the longest match wins)."""
    full = (org.name_ja or "").strip()
    prefecture = _PREFECTURE.match(full)
    names = {full, local_name_ja(org), full[len(prefecture.group(0)) :] if prefecture else full}  # 「下伊那郡阿智村」
    english = local_name_en(org)
    if english:
        names |= {(org.name_en or "").strip(), english, _EN_KIND.sub("", english)}  # "Kaga City", "Kaga"
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _target_for(matched: str, target) -> str:
    return local_name_ja(target) if _is_japanese(matched) or not local_name_en(target) else local_name_en(target)


def rename_for(title: str, source, target) -> str:
    """`title` of `source`'s pilot, named for `target`: the source's place name in brackets or as a prefix
    is replaced by the target's (same language); elsewhere in the title it is replaced too."""
    for name in place_names(source):
        escaped = re.escape(name)
        flags = 0 if _is_japanese(name) else re.IGNORECASE
        bracket = re.compile(rf"([{re.escape(OPEN)}])\s*{escaped}\s*([{re.escape(CLOSE)}])", flags)
        if bracket.search(title):
            return bracket.sub(lambda m: f"{m.group(1)}{_target_for(name, target)}{m.group(2)}", title, count=1)
        prefix = re.compile(rf"^{escaped}(?=$|[\sのでにおける・:：\-–—,、])", flags)
        if prefix.search(title):
            return prefix.sub(lambda m: _target_for(name, target), title, count=1)
    for name in place_names(source):  # the full name anywhere else, never a bare word such as "Kaga"
        if _EN_KIND.search(name) or _is_japanese(name):
            pattern = re.compile(
                re.escape(name) if _is_japanese(name) else rf"\b{re.escape(name)}\b",
                0 if _is_japanese(name) else re.IGNORECASE,
            )
            if pattern.search(title):
                return pattern.sub(lambda m: _target_for(name, target), title, count=1)
    return title
