"""Texts the library writes in English — the metric engine's reasons, data-quality findings, the importer's
problems and questions — shown in the viewer's language.

Where they are translated: where they are shown (docs/i18n.md, "Engine, importer and quality texts"). The
producing code keeps writing one English sentence, which stays as it is in logs, JSON and CSV; a page or a
command passes it through ``localize()``. Each sentence the library can write is an English template in this
module (``msg.*`` keys, the same English in the ``en`` catalog): ``localize`` finds the template the sentence
fits, reads the parameters back out of it (``{column}``, ``{n}``, …) and returns the catalog's text of that key
in the current language, parameters filled in. A parameter that is itself one of these sentences or fragments
("they carry no channel", "subscriptions") is translated the same way; names, columns, files, values and
filter values are never touched.

Why not a key carried by every message object: the producers (the importer's modules above all) are many and
change often; one sentence table matched at display leaves them alone, and a sentence no template fits is
shown in English rather than wrong. tests/test_i18n_messages.py runs the real producers and fails on any
sentence no template translates.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from cxkpi.i18n import DEFAULT_LOCALE, EN, N_, get_locale, t

# key -> the English sentence the library writes, with {placeholders}. Keys under msg.part.* are only tried
# for a parameter, never for a whole text (they are too general: "{a} and {b}").
MESSAGES: dict[str, str] = {
    # --- the metric engine: a filter its rows cannot carry
    N_("msg.filter.one"): "a {what} filter does not apply to {rows} ({why}; {shown})",
    N_("msg.filter.many"): "the {what} filters do not apply to {rows} ({why}; {shown})",
    N_("msg.filter.no_account"): "they carry no customer account",
    N_("msg.filter.no_attr"): "they carry no {what}",
    N_("msg.part.and"): "{a} and {b}",
    N_("msg.part.list"): "{a}, {b}",
    N_("msg.word.segment"): "segment",
    N_("msg.word.region"): "region",
    N_("msg.word.plan"): "plan",
    N_("msg.word.channel"): "channel",
    N_("msg.word.survey"): "survey",
    N_("msg.rows.subscriptions"): "subscriptions",
    N_("msg.rows.costs"): "retention costs",
    N_("msg.rows.renewals"): "renewals",
    N_("msg.rows.responses"): "survey responses",
    N_("msg.rows.employee_responses"): "employee survey responses",
    N_("msg.rows.tickets"): "tickets",
    # --- the metric engine: no data
    N_("msg.no_answers.filters"): "No {label} answers match the filters ({shown})",
    N_("msg.no_answers.period"): "No {label} answers in {period}",
    N_("msg.no_answers.period_filters"): "No {label} answers in {period} matching the filters ({shown})",
    N_(
        "msg.no_answers.no_scale"
    ): "No {label} answers in {period}; the workspace's {label} answers have no usable "
    "scale (set it with the survey.scales option)",
    N_("msg.latest"): "{reason} — latest {period}, n = {n}",
    N_("msg.sentences"): "{head}. {tail}",
    N_("msg.no_responses"): "no {label} responses in the period",
    N_("msg.no_responses.filters"): "no {label} responses in the period matching the filters",
    N_("msg.nps_scales"): "NPS (0–10 or 1–10)",
    N_("msg.no_customers_start"): "no customers active at the period start",
    N_("msg.no_customers_start.filters"): "no customers active at the period start matching {shown}",
    N_("msg.no_paying_end"): "no paying customers active at the period end",
    N_("msg.no_paying_end.filters"): "no paying customers active at the period end matching {shown}",
    N_("msg.no_renewals"): "no renewals due in the period",
    N_("msg.no_renewals.filters"): "no renewals due in the period matching {shown}",
    N_("msg.no_costs"): "no retention costs dated in the period",
    N_("msg.no_subscriptions"): "no subscriptions loaded",
    N_("msg.no_subs_or_accounts"): "no subscriptions or accounts with dates loaded",
    N_("msg.no_tickets_created"): "no tickets created in the period",
    N_("msg.no_tickets_created.filters"): "no tickets created in the period matching the filters",
    N_("msg.no_tickets_solved"): "no tickets solved in the period",
    N_("msg.no_tickets_solved.filters"): "no tickets solved in the period matching the filters",
    N_("msg.revenue_churn_needs_subs"): "revenue churn needs subscriptions (amounts)",
    N_("msg.no_revenue_source"): "no subscriptions or payments to take revenue per account from",
    # --- the metric engine: which export supplies a metric (tool names stay as they are)
    N_("msg.source.billing"): "Load a billing export with subscriptions ({tools})",
    N_("msg.source.customers"): "Load a billing export with subscriptions ({tools}) or a CRM accounts export "
    "with created and churned dates ({crm})",
    N_("msg.source.renewals"): "Load a renewals export (Salesforce renewal opportunities, HubSpot deals…)",
    N_("msg.source.costs"): "Load a retention-costs file (CSV with date, category, amount, currency)",
    N_("msg.source.nps"): "Load a survey export with a 0–10 'how likely to recommend' question ({tools})",
    N_("msg.source.csat"): "Load a survey export with a CSAT question ({tools}, Zendesk or Intercom "
    "satisfaction ratings…)",
    N_("msg.source.ces"): "Load a survey export with a Customer Effort (CES) question ({tools})",
    N_("msg.source.esat"): "Load a survey export with an employee-satisfaction (ESAT) question ({tools})",
    N_("msg.source.tickets"): "Load a ticket export ({tools})",
    N_("msg.source.reopens"): "Load a ticket export with a reopen count (Zendesk 'Reopens'; {tools})",
    N_("msg.source.replies"): "Load a ticket export with an agent-reply count (Zendesk 'Replies', Freshdesk "
    "'Agent interactions'; {tools})",
    N_(
        "msg.source.handle"
    ): "Load a ticket export with handle time (Zendesk Time Tracking 'Total time spent', "
    "Freshdesk 'Time tracked', Intercom 'Handling time')",
    # --- the method card's formula (cxkpi/metrics/*: ExplainSpec.method)
    N_(
        "msg.method.share"
    ): "{label} = positive responses ÷ all {code} responses on a usable scale × 100 ({reading}); "
    "times are UTC",
    N_(
        "msg.method.csat_mean"
    ): "CSAT (mean) = Σ score ÷ scale maximum over the responses (column normalised) ÷ responses × 100",
    N_(
        "msg.method.nps"
    ): "NPS = (promoters − detractors) ÷ responses × 100; numerator = Σ contribution (+1 promoter, "
    "−1 detractor)",
    N_(
        "msg.method.churn"
    ): "churn = customers active at 00:00 of the first day and not at 24:00 of the last ÷ "
    "customers active at the start × 100 (active read from {basis}; status column); times are UTC",
    N_(
        "msg.method.clv"
    ): "CLV = ARPA × margin × lifespan. ARPA = numerator (Σ mrr of subscriptions active at the "
    "period end) ÷ denominator (customers active then); lifespan = 1 ÷ monthly churn (capped as the option says), "
    "monthly churn = Σ over the {months} calendar months {span} of customers active at the month start and not at "
    "its end (the last month: not at the period end) ÷ Σ customers active at each month start (see the churn "
    "explanation per month)",
    N_(
        "msg.method.crc"
    ): "retention cost = Σ costs dated in the period ÷ customers active at any time in the period",
    N_(
        "msg.method.renewal_rate"
    ): "renewal rate = renewals due in the period renewed ÷ due in the period and decided "
    "(renewed or churned) × 100; open ones are pending",
    N_(
        "msg.method.mrr"
    ): "MRR = Σ mrr over subscriptions active at the period end (amount × quantity × (1 − discount) "
    "per month ÷ interval_count; trials 0); per customer ÷ the customers listed as denominator",
    N_(
        "msg.method.reopens"
    ): "reopened tickets = solved in the period with reopens ≥ 1 (the value); rate = that ÷ "
    "tickets solved in the period with a known reopen count × 100; events = Σ reopens; times are UTC",
    N_(
        "msg.method.frt"
    ): "first response time = {stat} of hours_to_first_reply over tickets created in the period that "
    "got a reply (first_reply_minutes ÷ 60, else first_reply_at − created_at); times are UTC",
    N_(
        "msg.method.aht"
    ): "average handle time = Σ handle_minutes ÷ tickets solved in the period with a handle time",
    N_(
        "msg.method.fcr"
    ): "first contact resolution = tickets solved in the period with exactly one agent reply and no "
    "reopen ÷ tickets solved in the period whose reply count is known × 100 (a blank reopen count reads as no "
    "reopen)",
    N_("msg.word.median"): "median",
    N_("msg.word.mean"): "mean",
    # --- the CLV card
    N_("msg.clv.window"): "Churn window: {start} – {end} ({months} calendar months)",
    N_(
        "msg.clv.churned"
    ): "{churned} customers churned in the window, of {active} active at the month starts",
    N_("msg.clv.under_cap"): "Lifespan {lifespan} months, under the {cap}-month cap (not applied)",
    N_("msg.clv.capped"): "Lifespan capped at {cap} months (1 ÷ monthly churn = {lifespan} months)",
    N_("msg.clv.no_cap"): "Lifespan {lifespan} months, no cap set",
    N_("msg.clv.small"): "{text} — small sample (under 5)",
    N_("msg.clv.margin_assumed"): "margin not set — 100 % assumed: set the gross margin in Settings",
    N_("msg.clv.basis"): "ARPA × {margin} × lifespan from churn over {months} months",
    N_("msg.clv.capped_at"): "capped at {cap} months",
    N_("msg.clv.margin_not_set"): "100 % margin (not set, assumed)",
    N_("msg.clv.margin"): "{percent} margin",
    N_("msg.clv.no_churn"): "no churn observed in {span} (the lifespan would be infinite)",
    N_("msg.clv.no_base"): "no customers active at any month start of {span} to measure churn",
    # --- the importer's questions
    N_(
        "msg.q.dayfirst"
    ): "Dates in {file} (column '{column}', e.g. {samples}) could be day/month or month/day. "
    "Is the day first?",
    N_("msg.q.kind_of_question"): "Is '{column}' a customer (csat) or employee (esat) satisfaction question?",
    N_("msg.q.scale_of_question"): "What scale is '{column}' on? ({why})",
    N_("msg.q.kind"): "Which kind of survey are these scores?",
    N_("msg.q.scale"): "What scale are the scores on? ({why})",
    N_("msg.q.column"): "Which column holds the {what}?",
    N_("msg.q.unit"): "Is '{column}' in minutes or seconds?",
    N_("msg.q.measure"): "What does '{column}' measure?",
    N_("msg.q.answered_on"): "What scale is '{column}' answered on?",
    N_("msg.q.satisfaction_column"): "Which column holds the satisfaction answer?",
    N_("msg.q.interval"): "How often are these subscriptions billed?",
    N_("msg.why.stated"): "stated in the question",
    N_("msg.why.nps"): "NPS is 0–10",
    N_("msg.why.no_answers"): "no answers",
    N_("msg.why.highest"): "highest answer is {n}",
    N_("msg.why.range"): "answers run {range}",
    N_("msg.why.several_kinds"): "several kinds in one file",
    N_("msg.choice.minutes"): "minutes",
    N_("msg.choice.seconds"): "seconds",
    N_("msg.choice.hours"): "hours",
    N_("msg.choice.month"): "month",
    N_("msg.choice.year"): "year",
    N_("msg.choice.quarter"): "quarter",
    N_("msg.choice.week"): "week",
    N_("msg.choice.none"): "(not in this file)",
    N_("msg.field.ticket_id"): "ticket number",
    N_("msg.field.created_at"): "creation time",
    N_("msg.field.solved_at"): "solve time",
    N_("msg.field.first_reply_at"): "first response time (a timestamp)",
    N_("msg.field.first_reply_minutes"): "first response time",
    N_("msg.field.handle_minutes"): "handle time",
    N_("msg.field.reopens"): "reopen count",
    N_("msg.field.agent_replies"): "number of agent replies",
    N_("msg.field.status"): "status",
    N_("msg.field.subject"): "subject",
    N_("msg.field.agent"): "agent",
    N_("msg.field.satisfaction"): "satisfaction rating",
    N_("msg.field.submitted_at"): "answer date",
    N_("msg.field.response_id"): "response id",
    N_("msg.field.respondent"): "respondent",
    N_("msg.field.comment"): "comment",
    N_("msg.field.survey"): "survey name",
    N_("msg.field.subscription_id"): "subscription id",
    N_("msg.field.amount"): "amount",
    N_("msg.field.currency"): "currency",
    N_("msg.field.interval"): "billing interval",
    N_("msg.field.started_at"): "start date",
    N_("msg.field.ended_at"): "end / cancellation date",
    N_("msg.field.payment_id"): "payment id",
    N_("msg.field.paid_at"): "payment date",
    N_("msg.field.renewal_id"): "renewal id",
    N_("msg.field.due_date"): "renewal (close) date",
    N_("msg.field.outcome"): "outcome (won / lost / open)",
    N_("msg.field.account_id"): "customer id",
    N_("msg.field.email"): "e-mail",
    N_("msg.field.company"): "company",
    N_("msg.field.name"): "company name",
    N_("msg.field.date"): "date",
    # --- the importer's problems (a cell, a row, the file)
    N_("msg.imp.fix_cell"): "{what} Fix the cell or clear it, then upload again.",
    N_("msg.imp.not_number"): "is not a number.",
    N_("msg.imp.not_date"): "is not a date ({format}).",
    N_("msg.imp.format_unknown"): "format not recognised",
    N_("msg.imp.not_yes_no"): "is not yes/no (true/false, yes/no, 1/0).",
    N_("msg.imp.not_duration"): "is not a duration in {unit}.",
    N_("msg.imp.more"): "… and {more} more row(s) with the same problem ({rows}). {message}",
    N_("msg.imp.row"): "row {n}",
    N_("msg.imp.rows"): "rows {list}",
    N_("msg.imp.rows_more"): "rows {list}, … and {more} more",
    N_(
        "msg.imp.duplicate"
    ): "the same {key} appears on {rows}; each row must be unique. Remove the duplicate rows "
    "(or map a column that tells them apart).",
    N_("msg.imp.interval"): "is not a billing interval (day, week, month, quarter, year).",
    N_("msg.imp.discount"): "discount must be a fraction 0–1 or a percentage 0–100.",
    N_("msg.imp.outcome"): "outcome must be renewed, churned or open.",
    N_(
        "msg.imp.before"
    ): "{later} is before {first}; {later} was left empty for this row (check the export's time zones).",
    N_("msg.imp.negative_duration"): "a negative duration was left empty.",
    N_("msg.imp.negative"): "cannot be negative.",
    N_(
        "msg.imp.implausible"
    ): "this date is implausible (before {year} or more than a day in the future); it was "
    "loaded as is — check the export.",
    N_("msg.imp.kind"): "kind must be one of {kinds}.",
    N_("msg.imp.scale_order"): "scale_min must be below scale_max.",
    N_(
        "msg.imp.outside_scale"
    ): "is outside this question's {scale} scale. Fix the answer, or if the question really "
    "uses another scale say so in a mapping file ([options] scale_min/scale_max, or [answers]).",
    N_("msg.imp.no_key"): "no {col} (key); this row is not loaded.",
    N_("msg.imp.no_value"): "no {col} (value); this row is not loaded.",
    N_(
        "msg.imp.excel_id"
    ): "this id was turned into scientific notation by Excel, so rows cannot be told apart. "
    "Export again and upload the file without opening it in Excel (or format the column as Text).",
    N_(
        "msg.imp.unknown_value"
    ): "is not a value cxkpi knows here (known: {known}). Add it to a mapping file's [values] table.",
    N_("msg.imp.score_unclear"): "looks like a score question (answers {range}) but its text says neither "
    "satisfaction, ease nor recommend: not loaded. Map it in a mapping file to load it.",
    N_("msg.imp.enps"): "employee NPS / skipped question: not a cxkpi metric, not loaded.",
    N_("msg.imp.partial"): "partial response (no Submit Date): not loaded.",
    N_("msg.imp.unpaid"): "{n} invoice(s) not paid (draft/open/void/uncollectible) were left out.",
    N_(
        "msg.imp.zero_paid"
    ): "{n} paid invoice(s) of 0 (trials, credits) were left out: no money was received.",
    N_(
        "msg.imp.no_score_question"
    ): "no score question found (satisfaction, ease, likely-to-recommend). Map the "
    'score column in a mapping file ([columns] score = "…", [options] kind/scale).',
    N_("msg.imp.not_like"): "this file does not look like {label}: no column {columns}.",
    N_("msg.imp.unreadable"): "{file} could not be read ({error}).",
    N_("msg.imp.not_loaded"): "could not be loaded, nothing was changed ({error})",
    N_("msg.imp.cannot_read"): "cannot read the file: {error}",
    # --- the reading proposed for an export no known tool matches (Data page, `cxkpi ingest`)
    N_(
        "msg.imp.needs_answer"
    ): "this export is not one cxkpi recognizes, and the proposed reading needs an answer "
    "cxkpi cannot suggest: {questions} Answer it on the Data page, or pass a mapping file (cxkpi ingest --mapping "
    "FILE.toml; see docs/ingest.md).",
    N_("msg.prop.head"): "A {what} export.",
    N_("msg.prop.head_like"): "A {what} export (it looks like {tool}).",
    N_("msg.prop.line"): "'{column}' → {what}: {evidence}",
    N_("msg.prop.table"): "table: {evidence}",
    N_("msg.prop.score_questions"): "{n} score question(s)",
    N_("msg.prop.columns_for"): "columns for {fields}",
    N_("msg.prop.closest"): "closest fit",
    N_("msg.prop.support_tickets"): "support tickets",
    N_("msg.prop.customer_accounts"): "customer accounts",
    N_("msg.prop.header"): "header '{phrase}'; {profile}",
    N_("msg.prop.values_only"): "values only; {profile}",
    N_("msg.prop.says"): "question text says '{phrase}' about '{topic}'; {profile}",
    N_("msg.prop.says_only"): "question text says '{phrase}'; {profile}",
    N_("msg.prop.dates"): "values like {samples} read as dates ({format})",
    N_("msg.prop.durations"): "values like {samples} read as durations ({format})",
    N_("msg.prop.whole_numbers"): "values like {samples} read as whole numbers {range}",
    N_("msg.prop.numbers"): "values like {samples} read as numbers {range}",
    N_("msg.prop.emails"): "values like {samples} are e-mail addresses",
    N_("msg.prop.currencies"): "values like {samples} are currency codes",
    N_("msg.prop.labels"): "answers like {samples} read on a {n}-step label scale",
    N_("msg.prop.values"): "values like {samples}",
    N_("msg.prop.no_values"): "no values",
    N_("msg.prop.survey_question"): "survey question, {kind}",
    N_("msg.prop.kind.csat"): "customer satisfaction (CSAT)",
    N_("msg.prop.kind.ces"): "effort (CES)",
    N_("msg.prop.kind.nps"): "likely to recommend (NPS)",
    N_("msg.prop.kind.esat"): "employee satisfaction (ESAT)",
    N_("msg.prop.kind.skip"): "not a score to load",
    N_("msg.prop.unit_of"): "unit of {field}",
    N_("msg.prop.header_says"): "the header says {unit}",
    N_("msg.prop.scale"): "scale",
    N_("msg.part.scale"): "{range} ({why})",
    N_("msg.prop.amount_unit"): "amount unit",
    N_("msg.prop.major_units"): "amounts read as major units (decimals)",
    N_("msg.prop.major_units_header"): "amounts read as major units (no cents named in the header)",
    N_("msg.prop.cents"): "the header says cents: divided by 100",
    N_("msg.prop.file_layout"): "file layout",
    N_("msg.prop.layout"): "file layout: header found under a {n}-line title block: {title}",
    N_("msg.prop.amount_per_unit"): "amount per unit",
    N_("msg.prop.csat_answers"): "CSAT answers",
    N_("msg.prop.rated_ticket"): "each rated ticket also counts as a customer-satisfaction (CSAT) answer",
    N_("msg.prop.zero_duration"): "a zero duration means the ticket was never answered: left empty",
    N_("msg.prop.employee_nps"): "employee NPS",
    N_("msg.imp.not_score"): "is not a score.",
    N_(
        "msg.imp.no_label_scale"
    ): "these answers are neither numbers nor a label scale cxkpi knows; give each label's "
    "score in a mapping file's [values.score] table.",
    N_("msg.no_customers_any"): "no customers active at any time in the period",
    N_(
        "msg.no_handle_column"
    ): "no handle-time column in the loaded ticket exports (Zendesk needs the Time Tracking "
    "app's 'Total time spent'; Freshdesk 'Time tracked'; Intercom 'Handling time') — never derived from resolution "
    "time",
    N_("msg.quality.t.mixed_scales"): "One survey answered on several scales",
    N_(
        "msg.quality.f.mixed_scales"
    ): "Nothing if the survey really changed scale; otherwise set its scale (Settings → "
    "survey.scales) or correct the mapping and load it again.",
    N_("msg.quality.w.other_currency_plain"): "carry a currency other than the reporting currency",
    # --- removing and restoring a load (cxkpi/ingest/restore.py, `cxkpi remove` / `cxkpi restore`)
    N_("msg.restore.no_load"): "no load {n}; `cxkpi loads` lists them",
    N_("msg.restore.not_removed"): "load {n} is not removed",
    N_(
        "msg.restore.again"
    ): "the same file is loaded again as load {again}: restoring load {n} would count its rows "
    "twice. Remove load {again} first, or keep it.",
    N_("msg.restore.not_kept"): "the rows of load {n} were not kept (removed before restoring existed, or by "
    "clearing the demo); load the file again instead",
    N_("msg.source.template"): "cxkpi template — {what}",
    # a known source's label (`cxkpi sources`, the Data page): the tool's name kept, the export described
    N_("msg.source.tool"): "{tool} — {export}",
    N_("msg.source.by_meaning"): "{label} (headers read by meaning)",
    N_("msg.source.export.subscriptions_export"): "subscriptions export",
    N_("msg.source.export.responses_export"): "responses export",
    N_("msg.source.export.tickets_export"): "tickets export",
    N_("msg.source.export.tickets_export_title_case"): "tickets export (Title Case headers)",
    N_("msg.source.export.responses_csv"): "responses CSV",
    N_("msg.source.export.companies_export"): "companies export",
    N_("msg.source.export.conversations_export"): "conversations export",
    N_("msg.source.export.ratings_export"): "conversation ratings export",
    N_("msg.source.export.survey_responses_export"): "survey responses export",
    N_("msg.source.export.opportunities_report"): "opportunities report (renewals)",
    N_("msg.source.export.customers_export"): "customers export (default Customers download)",
    N_("msg.source.export.invoices_export"): "invoices export (paid invoices → payments)",
    N_("msg.source.export.payments_export"): "payments export (default Payments download)",
    N_("msg.source.export.subscriptions_dashboard"): "subscriptions export (Dashboard)",
    N_("msg.source.export.subscriptions_api"): "subscriptions (API / Sigma / ETL, snake_case, cents)",
    N_("msg.source.export.all_responses_export"): "all responses export",
    N_("msg.source.export.responses_download"): "responses download",
    N_("msg.source.export.tickets_csv"): "tickets CSV",
    # --- the data-quality report (cxkpi/quality.py)
    N_("msg.quality.effect"): "{metrics}: {effect}.",
    N_("msg.quality.detail"): "{n} {noun} {why}; e.g. {examples}.",
    N_("msg.quality.detail_parts"): "{n} {noun} {why} ({parts}); e.g. {examples}.",
    N_("msg.quality.unlinked_note"): "'nothing to link by' = no account_id, e-mail or company in the row.",
    N_(
        "msg.quality.detail_unlinked"
    ): "{detail} 'nothing to link by' = no account_id, e-mail or company in the row.",
    N_("msg.quality.part"): "{what} {n}",
    N_("msg.quality.nothing_to_link"): "nothing to link by",
    N_("msg.quality.no_such_account"): "no such account",
    N_("msg.quality.t.out_of_scale"): "Survey scores outside their scale",
    N_(
        "msg.quality.w.out_of_scale"
    ): "have a score below scale_min or above scale_max (after any survey.scales setting)",
    N_(
        "msg.quality.e.out_of_scale"
    ): "the engine cannot judge such an answer, so it is left out of the metric (its n is smaller)",
    N_(
        "msg.quality.f.out_of_scale"
    ): "If the question really uses another scale, set it (Settings → survey.scales, "
    "or a mapping file's [options] scale_min/scale_max); otherwise correct the answers in the export and load it "
    "again.",
    N_("msg.quality.t.bad_scale"): "Survey scales that run backwards",
    N_("msg.quality.w.bad_scale"): "have scale_min at or above scale_max",
    N_(
        "msg.quality.e.bad_scale"
    ): "no score can lie on such a scale, so these answers are left out of the metric",
    N_(
        "msg.quality.f.scale"
    ): "Set the survey's scale in Settings (survey.scales, e.g. {example}) or in a mapping "
    "file's [options] scale_min/scale_max, and load the export again.",
    N_("msg.quality.t.no_scale"): "Survey answers without a scale",
    N_("msg.quality.w.no_scale"): "have a kind but no scale_min/scale_max",
    N_(
        "msg.quality.e.no_scale"
    ): "without a scale the engine cannot tell a good answer from a bad one, so they are "
    "left out of the metric",
    N_("msg.quality.t.nps_scale"): "NPS answers on a scale other than 0–10 or 1–10",
    N_("msg.quality.w.nps_scale"): "are marked kind nps but use another scale, such as 1–5",
    N_("msg.quality.e.nps_scale"): "these answers are left out (NPS is defined on 0–10 or 1–10 only)",
    N_(
        "msg.quality.f.nps_scale"
    ): "If the question is a satisfaction rating, map its kind to csat; if it is the "
    "recommend question, correct its scale to 0–10 (Settings → survey.scales or the mapping file) and load it again.",
    N_("msg.quality.t.unknown_kind"): "Survey answers of no known kind",
    N_("msg.quality.w.unknown_kind"): "have a kind that is empty or not csat, ces, nps or esat",
    N_("msg.quality.e.unknown_kind"): "no metric reads them, so they count in none of CSAT, CES, NPS or ESAT",
    N_(
        "msg.quality.f.unknown_kind"
    ): "Map the question's kind (a mapping file's [answers] or the Data page question) and load again.",
    N_("msg.quality.t.no_score"): "Survey answers without a score",
    N_("msg.quality.w.no_score"): "have no score",
    N_("msg.quality.e.no_score"): "an answer without a score counts in no metric",
    N_(
        "msg.quality.f.no_score"
    ): "Check the export's score column (a text answer such as 'Very satisfied' needs its scale mapped).",
    N_("msg.quality.t.solved_before"): "Tickets solved before they were created",
    N_("msg.quality.w.solved_before"): "have solved_at before created_at",
    N_(
        "msg.quality.e.solved_before"
    ): "reopens, AHT and FCR count a ticket in the period of its solved_at, here a time before it existed",
    N_(
        "msg.quality.f.solved_before"
    ): "Check the export's time zones (one column local, one UTC?) and export again; "
    "the importer clears such a solved_at, so these rows came in another way.",
    N_("msg.quality.t.reply_before"): "Tickets answered before they were created",
    N_(
        "msg.quality.w.reply_before"
    ): "have first_reply_at before created_at or a negative first_reply_minutes",
    N_(
        "msg.quality.e.reply_before"
    ): "FRT leaves out a negative wait, so these tickets are missing from first response time",
    N_(
        "msg.quality.f.reply_before"
    ): "Check the export's time zones and export again (the importer clears such values on load).",
    N_("msg.quality.t.negative_handle"): "Tickets with a negative handle time",
    N_("msg.quality.w.negative_handle"): "have handle_minutes below 0",
    N_("msg.quality.e.negative_handle"): "AHT leaves them out, as if no handle time were recorded",
    N_("msg.quality.f.negative_handle"): "Correct the export's time-tracking column and load it again.",
    N_("msg.quality.t.negative_counts"): "Tickets with a negative reopen or reply count",
    N_("msg.quality.w.negative_counts"): "have reopens or agent_replies below 0",
    N_(
        "msg.quality.e.negative_counts"
    ): "a negative count can never be a reopen or a one-touch resolution, so reopens and FCR read them wrong",
    N_("msg.quality.f.negative_counts"): "Correct the export's reopen/reply count columns and load it again.",
    N_("msg.quality.t.no_start"): "Subscriptions without a start date",
    N_("msg.quality.w.no_start"): "have no started_at",
    N_(
        "msg.quality.e.never_active"
    ): "such a subscription is never active, so it is left out of MRR, churn, CLV and "
    "the customers that CRC divides by",
    N_(
        "msg.quality.f.no_start"
    ): "Export the subscriptions with their start (created / activated) date, or map that "
    "column, and load again.",
    N_("msg.quality.t.ended_before"): "Subscriptions that end before they start",
    N_("msg.quality.w.ended_before"): "have ended_at before started_at",
    N_(
        "msg.quality.f.ended_before"
    ): "Check the export's start and end columns (swapped? time zones?) and load it again.",
    N_("msg.quality.t.churned_before"): "Accounts that churned before they were created",
    N_("msg.quality.w.churned_before"): "have churned_at before created_at",
    N_(
        "msg.quality.e.churned_before"
    ): "without subscriptions, customers are counted from account dates, and such an account is never active",
    N_(
        "msg.quality.f.churned_before"
    ): "Check the CRM export's created and churned date columns and load it again.",
    N_("msg.quality.t.other_currency"): "{table} in another currency than the reporting one",
    N_("msg.quality.w.other_currency"): "carry a currency other than the reporting currency {currency}",
    N_("msg.quality.e.currency_subscriptions"): "MRR and CLV (and churn read as revenue churn) add up only "
    "subscriptions in the reporting currency, so these are left out of the totals and of ARPA",
    N_(
        "msg.quality.e.currency_payments"
    ): "CLV from payments adds up only payments in the reporting currency, so these are left out",
    N_(
        "msg.quality.e.currency_costs"
    ): "retention cost adds up only costs in the reporting currency, so these are left out of CRC",
    N_(
        "msg.quality.e.currency_renewals"
    ): "no metric adds renewal amounts today (the renewal rate counts outcomes), so nothing changes yet",
    N_(
        "msg.quality.f.currency"
    ): "If the reporting currency is wrong, set it in Settings (currency); otherwise "
    "convert these amounts to the reporting currency before loading (cxkpi does not convert without a rate).",
    N_("msg.quality.t.unlinked"): "{table} that match no account",
    N_("msg.quality.w.unlinked"): "match no account (by account_id, e-mail, e-mail domain or company name)",
    N_(
        "msg.quality.e.unlinked"
    ): "they still count company-wide, but a segment, region or plan filter leaves them out",
    N_(
        "msg.quality.e.unlinked_own"
    ): "they still count company-wide (each as a customer of its own), but a segment, "
    "region or plan filter leaves them out",
    N_(
        "msg.quality.f.unlinked"
    ): "Load an accounts export that contains these customers (HubSpot, Salesforce…), or "
    "export the {table} with the account id or customer e-mail.",
    N_("msg.quality.t.implausible"): "{table} with implausible dates",
    N_("msg.quality.w.implausible"): "have a date before {year} or more than a day in the future",
    N_(
        "msg.quality.e.implausible"
    ): "such a row is counted in a period it almost certainly does not belong to (or in none shown)",
    N_(
        "msg.quality.f.implausible"
    ): "A typo, a placeholder (0001, 1677, 9999) or a clock set wrong is more likely "
    "than a real event: correct the date in the export and load it again.",
    N_("msg.quality.t.two_systems"): "The same {noun} loaded from two systems",
    N_("msg.quality.e.twice"): "each of these records counts twice (once per system)",
    N_(
        "msg.quality.f.two_systems"
    ): "Keep one source of these records: remove the load that repeats them (Data page "
    "or `cxkpi remove LOAD_ID`), or export each system without the other's records.",
    N_("msg.quality.t.other_id"): "The same {noun} under two ids from two systems",
    N_(
        "msg.quality.f.other_id"
    ): "If both systems exported the same records (a migration, a sync), keep one: remove "
    "the load that repeats them or export each system without the other's records. If they are truly separate, "
    "nothing to do.",
    N_("msg.quality.t.missing"): "No {label} answers loaded",
    N_("msg.quality.d.missing"): "The store holds no survey responses of kind {code}.",
    N_("msg.quality.e.not_available"): "shows not available (never zero, never a guess)",
    N_("msg.quality.t.no_subs"): "No subscriptions loaded",
    N_("msg.quality.d.no_subs"): "The store holds no subscriptions.",
    N_(
        "msg.quality.d.no_subs_accounts"
    ): "The store holds no subscriptions, and no accounts with created dates to count customers from.",
    N_("msg.quality.t.no_costs"): "No retention costs loaded",
    N_("msg.quality.d.no_costs"): "The store holds no retention costs.",
    N_("msg.quality.t.no_renewals"): "No renewals loaded",
    N_("msg.quality.d.no_renewals"): "The store holds no renewals.",
    N_("msg.quality.t.no_tickets"): "No tickets loaded",
    N_("msg.quality.d.no_tickets"): "The store holds no support tickets.",
    N_("msg.quality.t.no_field"): "No ticket has {what}",
    N_("msg.quality.d.no_field"): "{n} tickets are loaded, none with {what}.",
    N_("msg.quality.what.reopens"): "a reopen count",
    N_("msg.quality.what.reply_time"): "a first-reply time",
    N_("msg.quality.what.handle_time"): "a handle time",
    N_("msg.quality.what.reply_count"): "an agent-reply count",
    N_("msg.quality.t.no_accounts"): "No accounts loaded",
    N_(
        "msg.quality.d.no_accounts"
    ): "The store holds no accounts, so no row is linked to a customer with a segment, region or plan.",
    N_(
        "msg.quality.e.no_accounts"
    ): "Company-wide figures are unaffected; a segment, region or plan filter finds nothing.",
    N_(
        "msg.quality.f.no_accounts"
    ): "Load a CRM accounts export (HubSpot companies, Salesforce accounts…) or the cxkpi accounts template.",
    N_(
        "msg.quality.d.two_systems"
    ): "{n} {noun} ids appear under more than one system ({systems}) with the same "
    "{datecol} date, {extra} extra rows in all; e.g. {examples}. Ids that collide on different dates are taken for "
    "two tools numbering alike and not reported.",
    N_(
        "msg.quality.d.other_id"
    ): "{n} {noun} appear in more than one system ({systems}) under different ids — same "
    "{same} — {extra} extra rows in all; e.g. {examples}.",
    N_("msg.quality.same.ticket"): "customer, the same second",
    N_("msg.quality.same.response"): "customer, the same second, kind and score",
    N_("msg.quality.t.shared_email"): "Accounts sharing one e-mail",
    N_("msg.quality.t.shared_name"): "Accounts sharing one company name",
    N_("msg.quality.d.shared_email"): "{n} e-mail addresses belong to {accounts} accounts; e.g. {examples}.",
    N_("msg.quality.d.shared_name"): "{n} company names belong to {accounts} accounts; e.g. {examples}.",
    N_(
        "msg.quality.e.shared_email"
    ): "the same customer counts as two (churn, CLV per customer, CRC's customers), and "
    "rows linked by e-mail all go to the lowest account id",
    N_(
        "msg.quality.e.shared_name"
    ): "Rows linked by company name all go to the lowest account id; if they are two "
    "customers nothing is wrong.",
    N_(
        "msg.quality.f.shared_email"
    ): "Merge the duplicate accounts in the CRM (or keep one CRM export) and load the accounts again.",
    N_(
        "msg.quality.f.shared_name"
    ): "Nothing if they are different customers; otherwise merge them in the CRM.",
    N_(
        "msg.quality.d.mixed_scales"
    ): "{n} survey(s) carry answers of one kind on more than one scale; e.g. {examples}.",
    N_(
        "msg.quality.e.mixed_scales"
    ): "the answers are pooled, each judged on its own scale; right if the survey "
    "changed scale, wrong if some rows got the wrong scale at import",
    N_(
        "msg.quality.d.gap"
    ): "{n} month(s) between {first} and {last} have no {table} from {system} although a "
    "typical month has {typical}: {around}.",
    N_(
        "msg.quality.d.gap_kind"
    ): "{n} month(s) between {first} and {last} have no {table} from {system} of kind "
    "{code} although a typical month has {typical}: {around}.",
    N_("msg.quality.around"): "{month} (0 rows; {before}: {nb}, {after}: {na})",
    N_("msg.part.semicolon"): "{a}; {b}",
    N_("msg.quality.t.gap"): "Months missing from the {table} from {system}",
    N_("msg.quality.t.gap_kind"): "Months missing from the {table} from {system} ({code})",
    N_(
        "msg.quality.e.gap"
    ): "a month with no rows reads as not available or as zero activity in that month, and a "
    "quarter or year containing it is computed from the other months only",
    N_(
        "msg.quality.f.gap"
    ): "Export the missing month(s) from {system} and load the file (overlapping exports are "
    "merged, not doubled).",
    N_("msg.quality.label.churn_rate"): "churn rate",
    N_("msg.quality.label.crc"): "retention cost",
    N_("msg.quality.label.renewal_rate"): "renewal rate",
    N_("msg.quality.label.ticket_reopens"): "ticket reopens",
    N_("msg.quality.noun.account"): "account",
    N_("msg.quality.noun.accounts"): "accounts",
    N_("msg.quality.noun.subscription"): "subscription",
    N_("msg.quality.noun.payment"): "payment",
    N_("msg.quality.noun.payments"): "payments",
    N_("msg.quality.noun.renewal"): "renewal",
    N_("msg.quality.noun.ticket"): "ticket",
    N_("msg.quality.noun.response"): "survey response",
    N_("msg.quality.noun.cost"): "cost row",
    N_("msg.quality.noun.costs"): "cost rows",
    N_("msg.quality.table.Accounts"): "Accounts",
    N_("msg.quality.table.Subscriptions"): "Subscriptions",
    N_("msg.quality.table.Payments"): "Payments",
    N_("msg.quality.table.Renewals"): "Renewals",
    N_("msg.quality.table.Tickets"): "Tickets",
    N_("msg.quality.table.Responses"): "Responses",
    N_("msg.quality.table.Costs"): "Costs",
    N_("msg.quality.table.costs"): "costs",
    N_("msg.quality.table.responses"): "responses",
    # --- goals (cxkpi/goals.py): why a goal line has no progress
    N_("msg.goal.no_baseline"): "baseline not available",
    N_("msg.goal.no_baseline_because"): "baseline not available: {reason}",
    N_("msg.goal.no_current"): "current value not available",
    N_("msg.goal.no_current_because"): "current value not available: {reason}",
    N_("msg.goal.flat"): "the target equals the baseline",
}

# Parameters that carry the user's own data (names, columns, files, values, filter values): never translated.
LITERAL = {
    "file",
    "column",
    "samples",
    "shown",
    "tools",
    "crm",
    "examples",
    "currency",
    "example",
    "start",
    "end",
    "span",
    "percent",
    "range",
    "format",
    "key",
    "later",
    "first",
    "kinds",
    "scale",
    "col",
    "known",
    "columns",
    "error",
    "list",
    "more",
    "tool",
    "phrase",
    "topic",
    "systems",
    "datecol",
    "title",
    "last",
    "month",
    "before",
    "after",
    "system",
}
# Parameters that hold a number, so "{n} {noun} {why}" splits in one way only.
NUMERIC = {
    "n",
    "months",
    "cap",
    "year",
    "churned",
    "active",
    "lifespan",
    "again",
    "extra",
    "accounts",
    "typical",
    "nb",
    "na",
}
_NUMBER = r"\d[\d,.]*"
# the quality report's nouns ("survey responses"), longest first, so "{n} {noun} {why}" splits in one way only
_NOUN = "|".join(
    re.escape(w)
    for w in sorted(
        [
            "account",
            "accounts",
            "subscription",
            "subscriptions",
            "payment",
            "payments",
            "renewal",
            "renewals",
            "ticket",
            "tickets",
            "survey response",
            "survey responses",
            "cost row",
            "cost rows",
        ],
        key=len,
        reverse=True,
    )
)
_NOUN = f"(?:{_NOUN})"
# placeholders with a shape of their own: a breakdown never holds parentheses ("(csat 3, nps 2)")
_SHAPES = {"noun": _NOUN, "parts": r"[^()]+", "shown": r"(?:(?!\. ).)+?"}
# a source label's export part: only the descriptions the sources write, so "{tool} — {export}" fits no other text
_SHAPES["export"] = "|".join(
    re.escape(v)
    for k, v in sorted(MESSAGES.items(), key=lambda kv: -len(kv[1]))
    if k.startswith("msg.source.export.")
)
_SHAPES["export"] = f"(?:{_SHAPES['export']})"


def install() -> None:
    """The English of every template in the English catalogue (existing keys win), like cxkpi/i18n_pages.py."""
    for key, text in MESSAGES.items():
        EN.setdefault(key, text)


install()


def _pattern(template: str) -> re.Pattern[str]:
    out, seen, pos = [], set(), 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[pos : m.start()]))
        name = m.group(1)
        if name in seen:
            out.append(f"(?P={name})")
        else:
            seen.add(name)
            out.append(f"(?P<{name}>{_SHAPES.get(name, _NUMBER if name in NUMERIC else '.+?')})")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out), re.S)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[tuple[str, re.Pattern[str], bool]]]:
    """(English sentence -> key for the templates without placeholders, [(key, pattern, part only)] most
    specific first: the template with the most fixed text wins)."""
    exact: dict[str, str] = {}
    patterns = []
    for key, text in MESSAGES.items():
        if "{" not in text:
            exact.setdefault(text, key)
        else:
            fixed = len(re.sub(r"\{\w+\}", "", text))
            patterns.append((fixed, key, _pattern(text), key.startswith("msg.part.")))
    patterns.sort(key=lambda x: -x[0])
    return exact, [(k, p, part) for _, k, p, part in patterns]


def _translate(text: str, part: bool, depth: int) -> str | None:
    """The text in the current language, or None when no template fits."""
    if depth > 6:
        return None
    if part and t(text) != text:  # a parameter that is itself a catalog msgid (a metric's reading)
        return t(text)
    exact, patterns = _tables()
    if text in exact:
        return t(exact[text])
    for key, pattern, part_only in patterns:
        if part_only and not part:
            continue
        m = pattern.fullmatch(text)
        if m is None:
            continue
        params = {}
        for name, value in m.groupdict().items():
            if name == "period":
                params[name] = _period(value)
            elif name == "code":  # a survey kind as stored ("csat"): named as users know it (CSAT)
                params[name] = value.upper()
            elif (
                name == "shown"
            ):  # "channel=email, segment=SMB": the filter's name translated, its value kept
                params[name] = _FILTER.sub(lambda f: _filter_name(f.group(1)) + "=", value)
            elif name in NUMERIC:
                params[name] = _number(value)
            elif name in LITERAL:
                params[name] = value
            else:
                done = _translate(value, True, depth + 1)
                params[name] = value if done is None else done
        return t(key, **params)
    return None


def _number(text: str) -> str:
    """A number the engine wrote in English ("56.9", "1,503") in the viewer's format ("56,9" in Italian); one
    without a decimal point or a thousands comma (a load id, a year) stays as written."""
    from cxkpi import formatting as fmt

    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", text)
    if m is None or ("," not in text and "." not in text):
        return text
    decimals = len(m.group(2) or "")
    return fmt.number(float(text.replace(",", "")), decimals)


_FILTER = re.compile(r"\b(segment|region|plan|channel|survey)=")


def _filter_name(name: str) -> str:
    return t(f"msg.word.{name}")


def _period(text: str) -> str:
    """The engine's period label ("Oct 2026", "2026-10-05 – 2026-10-20") in the viewer's format."""
    from cxkpi import formatting as fmt

    try:
        return fmt.month(dt.datetime.strptime(text, "%b %Y").date())
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})", text)
    if m:
        return fmt.period(dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2)))
    return text


def localize(text: str | None) -> str:
    """``text`` (an English sentence the library wrote) in the current language; unchanged in English or when
    no template fits it (then English is shown, never a wrong sentence)."""
    if not text:
        return text or ""
    if get_locale() == DEFAULT_LOCALE:
        return text
    whole = t(text)  # a text that is itself a catalog msgid (a metric's definition)
    if whole != text:
        return whole
    done = _translate(text.strip(), False, 0)
    return text if done is None else done


def file_label(file_name: str) -> str:
    """A load's file name as shown: the demo's made-up name ("demo workspace") in the language, a real file's
    name as it is."""
    from cxkpi.demo import DEMO_FILE

    return t("explain.demo_file") if file_name == DEMO_FILE else file_name


def is_localized(text: str) -> bool:
    """True when ``localize`` knows the whole sentence (tests: no English left)."""
    return bool(text) and (t(text) != text or _translate(text.strip(), False, 0) is not None)


def full_stop() -> str:
    """The sentence end of the current language ("。" in Chinese)."""
    return t("msg.full_stop")


EN.setdefault(N_("msg.full_stop"), ".")
