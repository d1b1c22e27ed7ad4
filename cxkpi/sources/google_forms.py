"""Google Forms — Responses > Download responses (.csv), or the linked Sheet."""

from __future__ import annotations

import hashlib

from cxkpi.sources.base import F, Source, Survey, register

# The first column's name follows the form owner's language.
_TIMESTAMP = ("Timestamp", "Informazioni cronologiche", "Marca temporale", "Zeitstempel", "Horodateur",
              "Marca temporal", "Marca de tiempo", "Carimbo de data/hora", "Tijdstempel", "时间戳", "時間戳記",
              "タイムスタンプ")


def _derive(fr) -> None:  # noqa: ANN001
    # No response id in the export: the submission time (to the second, in UTC) and the e-mail identify a
    # response across later downloads of the same form.
    if "submitted_at" not in fr.out:
        return
    at = fr.out["submitted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
    email = fr.out["email"].fillna("").str.lower() if "email" in fr.out else ""
    key = at + "|" + email
    fr.set("response_id", key.map(lambda k: "gf-" + hashlib.sha1(k.encode()).hexdigest()[:16] if k[:1] != "|"
                                  else None).astype(object), "Timestamp + Email Address")


register(Source(
    name="google_forms_responses",
    label="Google Forms — responses CSV",
    system="google_forms",
    table="responses",
    required=(_TIMESTAMP,),
    optional=("Email Address", "Email", "Score", "Indirizzo email"),
    columns={
        "submitted_at": F(*_TIMESTAMP),
        "email": F("Email Address", "Email", "Indirizzo email", "E-Mail-Adresse", "Adresse e-mail",
                   "Dirección de correo electrónico", "Correo electrónico", "Endereço de e-mail", "E-mail",
                   "メールアドレス", "电子邮件地址", "電子郵件地址"),
    },
    survey=Survey(employee=True),
    derive=_derive,
    doc="Timestamp with its GMT offset; response id = hash of time + e-mail; 'satisfied with your job/work/"
        "team' → esat, customer wording → csat, unclear → asked; employee NPS (recommend working here) is "
        "not loaded.",
))
