"""Exports of tools and UI languages named nowhere in cxkpi (no registered source, no header taken from them
into the vocabulary on purpose) load with `--accept-suggested` and give the figures their rows imply,
computed here by hand. Four are shaped like exports a user tried (Spanish Google-Forms-like survey, Japanese
survey, French help desk, German Zammad); three more are invented in other languages and tools (Portuguese
NPS survey, Traditional Chinese ticket export with 分鐘 durations, Italian Stripe-like billing export with
decimal commas)."""

from __future__ import annotations

import pytest

from cxkpi.ingest.api import ingest_file, preview
from cxkpi.metrics.engine import compute
from tests.test_ingest_fixtures import query

MARCH = ("2025-03-01", "2025-03-31")

ENCUESTA_ES = (
    "Marca temporal,Correo electrónico,Empresa,¿Qué tan satisfecho está con nuestro soporte?,"
    "¿Qué probabilidad hay de que nos recomiende a un amigo? (0-10),Comentarios\n"
    "2025/03/02 10:11:00,ana@sol.example,Sol SA,Muy satisfecho,10,Excelente\n"
    "2025/03/03 11:00:00,juan@luna.example,Luna SL,Satisfecho,9,\n"
    "2025/03/05 12:30:00,pedro@mar.example,Mar SA,Neutral,7,Regular\n"
    "2025/03/07 09:00:00,lucia@rio.example,Rio SL,Insatisfecho,4,Lento\n"
    "2025/03/09 15:00:00,marta@sol.example,Sol SA,Muy satisfecho,8,\n"
    "2025/03/11 16:45:00,jose@luna.example,Luna SL,Muy insatisfecho,2,Malo\n"
)
QUESTANT_JA = (
    "回答ID,回答日時,メールアドレス,会社名,Q1. サポートの対応にどの程度満足していますか？,"
    "Q2. 当社を友人や同僚に薦める可能性はどのくらいありますか？,Q3. ご意見\n"
    "1,2025/03/02 10:11,taro@sakura.example,さくら商事,非常に満足,10,とても良い\n"
    "2,2025/03/03 11:00,hanako@fuji.example,富士工業,満足,9,\n"
    "3,2025/03/05 12:30,jiro@yama.example,山田製作所,どちらでもない,6,普通\n"
    "4,2025/03/07 09:00,yuki@kawa.example,川口物産,不満,3,遅い\n"
    "5,2025/03/09 15:00,ken@sakura.example,さくら商事,満足,8,\n"
)
HELPDESK_FR = (
    "Numéro du ticket,Sujet,Statut,Canal,Client,Date de création,Date de résolution,"
    "Temps de première réponse (heures),Nombre de réouvertures,Note de satisfaction\n"
    "T-1,Problème de connexion,Résolu,E-mail,Dupont SARL,2025-03-03 09:00,2025-03-03 17:00,1.5,0,Très satisfait\n"
    "T-2,Facture,Fermé,Téléphone,Martin SA,2025-03-04 10:00,2025-03-06 10:00,4,1,Insatisfait\n"
    "T-3,Export,Ouvert,Chat,Durand SAS,2025-03-10 14:00,,0.25,0,\n"
    "T-4,Mot de passe,Résolu,E-mail,Dupont SARL,2025-03-12 08:00,2025-03-12 09:00,0.5,0,Satisfait\n"
)
ZAMMAD_DE = (
    "Ticket-Nr.;Titel;Status;Priorität;Gruppe;Kunde;Organisation;Erstellt am;Erste Antwort am;Geschlossen am;"
    "Kanal;Anzahl Wiedereröffnungen;Bearbeitungszeit (Min.)\n"
    "10001;Login geht nicht;geschlossen;2 normal;Support;anna.schmidt@nordwind.example;Nordwind GmbH;"
    "03.03.2025 09:12;03.03.2025 09:40;03.03.2025 15:00;E-Mail;0;12\n"
    "10002;Rechnung falsch;geschlossen;2 normal;Billing;max.bauer@alpen.example;Alpen AG;"
    "04.03.2025 10:00;04.03.2025 12:00;05.03.2025 08:00;Telefon;1;25,5\n"
    "10003;Export bricht ab;offen;3 hoch;Support;lisa.klein@see.example;See KG;"
    "10.03.2025 14:30;10.03.2025 14:35;;Chat;0;8\n"
    "10004;Passwort;geschlossen;1 niedrig;Support;anna.schmidt@nordwind.example;Nordwind GmbH;"
    "15.03.2025 08:00;15.03.2025 11:00;15.03.2025 16:30;E-Mail;0;5\n"
    "10005;API Fehler;geschlossen;2 normal;Support;max.bauer@alpen.example;Alpen AG;"
    "20.03.2025 13:00;20.03.2025 13:30;22.03.2025 09:00;E-Mail;2;40\n"
)
PESQUISA_PT = (  # invented: a Portuguese survey tool, day-first dates, "indicar a um amigo" = recommend
    "ID da resposta,Data de envio,E-mail,Qual o seu nível de satisfação com o atendimento?,"
    "Qual a probabilidade de você nos indicar a um amigo ou colega? (0 a 10),Comentário\n"
    "101,04/03/2025 10:15,ana@sol.example,Muito satisfeito,10,Ótimo\n"
    "102,06/03/2025 11:20,bia@lua.example,Satisfeito,9,\n"
    "103,10/03/2025 09:05,caio@mar.example,Insatisfeito,5,Demorado\n"
    "104,12/03/2025 14:40,duda@rio.example,Muito satisfeito,9,\n"
    "105,18/03/2025 16:00,eva@sol.example,Nem satisfeito nem insatisfeito,7,\n"
    "106,25/03/2025 08:30,fabio@lua.example,Satisfeito,8,Bom\n"
)
TICKETS_ZHTW = (  # invented: a Traditional Chinese desk, durations as plain numbers with 分鐘 in the header
    "工單編號,主旨,狀態,管道,客戶電子郵件,公司名稱,建立時間,解決時間,首次回覆時間(分鐘),處理時間(分鐘),重開次數\n"
    "TW-1,無法登入,已解決,電子郵件,lin@taipei.example,台北科技,2025/03/03 09:00,2025/03/03 12:00,30,25,0\n"
    "TW-2,帳單問題,已解決,電話,chen@kaohsiung.example,高雄貿易,2025/03/05 10:00,2025/03/06 10:00,45,40,1\n"
    "TW-3,匯出失敗,處理中,線上客服,wang@tainan.example,台南工業,2025/03/12 14:00,,,15,0\n"
    "TW-4,密碼重設,已解決,電子郵件,lin@taipei.example,台北科技,2025/03/20 08:00,2025/03/20 08:30,10,20,0\n"
)
ABBONAMENTI_IT = (  # invented: an Italian Stripe-like billing export, ';' and decimal commas, 'mese' / 'anno'
    "ID abbonamento;Cliente;E-mail cliente;Piano;Prezzo unitario;Valuta;Quantità;Intervallo di fatturazione;"
    "Stato;Data di inizio;Data di cancellazione\n"
    "sub_A1;Rossi Srl;mario@rossi.example;Pro;49,00;EUR;3;mese;attivo;10/01/2025;\n"
    "sub_A2;Bianchi SpA;luca@bianchi.example;Team;29,50;EUR;1;mese;attivo;15/01/2025;\n"
    "sub_A3;Verdi Sas;anna@verdi.example;Enterprise;1.200,00;EUR;1;anno;attivo;01/11/2024;\n"
    "sub_A4;Neri Snc;paolo@neri.example;Pro;49,00;EUR;2;mese;cancellato;20/12/2024;01/03/2025\n"
)


def _load(engine, text: str, name: str, encoding: str = "utf-8"):
    rep = ingest_file(engine, text.encode(encoding), name, accept_suggested=True)
    assert not rep.rejected, ([p.text() for p in rep.problems], [q.prompt for q in rep.questions])
    return rep


def _value(engine, key: str) -> tuple[float | None, int | None]:
    m = compute(engine, key, MARCH)
    return (None if m.value is None else round(m.value, 4)), m.n


def test_spanish_survey_recommend_a_friend_is_nps_not_dropped(engine):
    _load(engine, ENCUESTA_ES, "encuesta_es.csv")
    # CSAT top-2-box: Muy satisfecho ×2 + Satisfecho = 3 of 6 -> 50 %.
    assert _value(engine, "csat") == (50.0, 6)
    # NPS: 10, 9 promoters (2); 7, 8 passives; 4, 2 detractors (2) -> (2 - 2) / 6 × 100 = 0.0, n 6.
    assert _value(engine, "nps") == (0.0, 6)
    assert query(engine, "SELECT sum(score) FROM responses WHERE kind = 'nps'") == [(10 + 9 + 7 + 4 + 8 + 2,)]


def test_japanese_survey_recommend_to_friends_or_colleagues_is_customer_nps(engine):
    rep = _load(engine, QUESTANT_JA, "questant_ja.csv")
    # CSAT: 非常に満足, 満足, 満足 = 3 of 5 -> 60 %.
    assert _value(engine, "csat") == (60.0, 5)
    # NPS: 10, 9 promoters; 6, 3 detractors; 8 passive -> (2 - 2) / 5 × 100 = 0.0, n 5. 同僚 (colleagues)
    # does not make it an employee question.
    assert _value(engine, "nps") == (0.0, 5)
    assert any("likely to recommend (NPS)" in line and "薦め" in line for line in rep.reading)


def test_french_ticket_satisfaction_labels_are_csat_answers(engine):
    rep = _load(engine, HELPDESK_FR, "helpdesk_fr.csv")
    assert query(engine, "SELECT count(*) FROM tickets") == [(4,)]
    # Très satisfait = 5, Insatisfait = 2, Satisfait = 4 on 1–5 (T-3 has no rating): satisfied 2 of 3 = 66.67 %.
    assert query(
        engine, "SELECT ticket_id, score, scale_min, scale_max FROM responses ORDER BY ticket_id"
    ) == [("T-1", 5.0, 1.0, 5.0), ("T-2", 2.0, 1.0, 5.0), ("T-4", 4.0, 1.0, 5.0)]
    assert _value(engine, "csat") == (round(2 / 3 * 100, 4), 3)
    assert any("CSAT answers" in line for line in rep.reading)
    # First response in hours: 1.5 h + 4 h + 0.25 h + 0.5 h = 90 + 240 + 15 + 30 = 375 minutes.
    assert query(engine, "SELECT sum(first_reply_minutes) FROM tickets") == [(375.0,)]


def test_german_customer_column_of_emails_is_the_email(engine):
    p = preview(ZAMMAD_DE.encode(), "zammad_de.csv", engine=engine, accept_suggested=True)
    assert p.proposal is not None
    assert p.proposal.columns["email"] == "Kunde" and p.proposal.columns["company"] == "Organisation"
    _load(engine, ZAMMAD_DE, "zammad_de.csv")
    assert query(engine, "SELECT email, company FROM tickets WHERE ticket_id = '10002'") == [
        ("max.bauer@alpen.example", "Alpen AG")
    ]
    # Handle minutes of the solved tickets: (12 + 25.5 + 5 + 40) / 4 = 82.5 / 4 = 20.625.
    assert _value(engine, "aht") == (20.625, 4)
    # First responses: 28, 120, 5, 180, 30 minutes -> median 30 min = 0.5 h.
    assert _value(engine, "frt") == (0.5, 5)


def test_portuguese_survey_indicar_a_um_amigo_is_nps(engine):
    _load(engine, PESQUISA_PT, "pesquisa_pt.csv")
    # CSAT: Muito satisfeito ×2 + Satisfeito ×2 = 4 of 6 -> 66.67 %.
    assert _value(engine, "csat") == (round(4 / 6 * 100, 4), 6)
    # NPS: 10, 9, 9 promoters (3); 8, 7 passives; 5 detractor (1) -> (3 - 1) / 6 × 100 = 33.33, n 6.
    assert _value(engine, "nps") == (round(2 / 6 * 100, 4), 6)
    assert query(engine, "SELECT min(scale_min), max(scale_max) FROM responses WHERE kind = 'nps'") == [
        (0.0, 10.0)
    ]


def test_traditional_chinese_tickets_with_minutes_in_the_header(engine):
    _load(engine, TICKETS_ZHTW, "tickets_zhtw.csv")
    # 首次回覆時間(分鐘): 30, 45, 10 minutes (TW-3 never answered: no value) -> median 30 min = 0.5 h.
    assert query(engine, "SELECT count(first_reply_minutes), sum(first_reply_minutes) FROM tickets") == [
        (3, 85.0)
    ]
    assert _value(engine, "frt") == (0.5, 3)
    # Handle time of the solved tickets TW-1, TW-2, TW-4: (25 + 40 + 20) / 3 = 28.33 minutes.
    assert _value(engine, "aht") == (round(85 / 3, 4), 3)
    assert query(engine, "SELECT sum(reopens), count(solved_at) FROM tickets") == [(1, 3)]


def test_italian_billing_with_decimal_commas_and_italian_intervals(engine):
    _load(engine, ABBONAMENTI_IT, "abbonamenti_it.csv")
    assert query(
        engine,
        "SELECT subscription_id, amount, quantity, interval FROM subscriptions ORDER BY subscription_id",
    ) == [
        ("sub_A1", 49.0, 3.0, "month"),
        ("sub_A2", 29.5, 1.0, "month"),
        ("sub_A3", 1200.0, 1.0, "year"),
        ("sub_A4", 49.0, 2.0, "month"),
    ]
    # MRR on 31 March: sub_A4 ended 1 March; 49,00 × 3 + 29,50 × 1 + 1.200,00 / 12 = 147 + 29.5 + 100 = 276.5.
    assert _value(engine, "mrr") == (276.5, 3)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How likely are you to recommend us to a friend or colleague?", "nps"),
        ("¿Recomendaría nuestro servicio a un amigo?", "nps"),
        ("Quanto è probabile che consiglieresti il nostro prodotto a un amico?", "nps"),
        ("Wie wahrscheinlich ist es, dass Sie uns einem Freund empfehlen?", "nps"),
        ("Recommanderiez-vous notre service à un ami ?", "nps"),
        ("您向朋友推荐我们的可能性有多大？", "nps"),
        ("您向朋友推薦我們的可能性有多大？", "nps"),
        ("How likely are you to recommend working here to a friend?", "enps"),
        ("Quanto è probabile che consiglieresti la nostra azienda come datore di lavoro?", "enps"),
    ],
)
def test_recommend_a_friend_is_customer_nps_recommend_as_employer_is_enps(question, kind):
    from cxkpi.ingest.surveys import kind_from_text

    assert kind_from_text(question) == (kind, True)
