"""English texts of sign-in, share links and the report (registered with EN.setdefault until the gettext
catalogs carry them; see cxkpi.i18n)."""

from __future__ import annotations

from cxkpi.i18n import EN

TEXTS: dict[str, str] = {
    "nav.report": "Report",
    "nav.shares": "Shared links",
    "auth.role.viewer": "viewer",
    "auth.role.editor": "editor",
    "auth.at_machine": "At this machine: {name} · {role}",
    "auth.via_link": "Opened from a shared link · {role}",
    "auth.signed_in_as": "Signed in as {name} · {role}",
    "auth.sign_in": "Sign in",
    "auth.sign_out": "Sign out",
    "auth.editor_sign_in": "Editor sign-in",
    "auth.name": "Name",
    "auth.password": "Password",
    "auth.wrong_password": "That name and password do not match.",
    "auth.editors_only": "Only an editor can open this page. Sign in as an editor, or ask one.",
    "auth.sign_in_needed": "This dashboard needs you to sign in.",
    "auth.no_access": "{email} is signed in but has no access to this dashboard. Ask an editor to add you.",
    "share.refused.title": "This link cannot be opened",
    "share.refused.tampered": "The link is damaged or was changed: its signature does not match.",
    "share.refused.expired": "The link has expired.",
    "share.refused.revoked": "The link was revoked by the person who shared it.",
    "share.refused.unknown": "The link is not known to this dashboard (it may belong to another one).",
    "share.refused.help": "Ask whoever sent it for a new link.",
    "report.intro": "The figures for management: read-only, made for printing.",
    "report.pinned_same": "These are the figures as sent on {when} (data version {version}).",
    "report.pinned_newer": "These are the figures as sent on {when} (data version {version}). "
    "Newer data has arrived since; the latest figures may differ.",
    "report.pinned_removed": "These are the figures as sent on {when} (data version {version}). "
    "Data they were computed on was removed since (load {loads}): the dashboard no longer holds it.",
    "report.see_latest": "See the latest figures",
    "report.live": "Always the latest: the period is resolved when the link is opened.",
    "report.period": "Period",
    "report.filters": "Filters",
    "report.no_filters": "none",
    "report.version": "Data version",
    "report.computed": "Computed",
    "report.trends": "Key trends",
    "report.definitions": "Definitions",
    "report.method_pinned": "The method behind each figure (numerator ÷ denominator, sample, interval) is the one "
    "computed when the link was made. The rows behind pinned figures are not kept: the dashboard's rows are "
    "today's data.",
    "report.download_csv": "Scorecard (CSV)",
    "report.download_xlsx": "Scorecard (XLSX)",
    "report.download_pdf": "PDF",
    "report.paper": "Paper",
    "report.make_pdf": "Make the PDF",
    "report.pdf_failed": "The PDF could not be made: {error}",
    "report.chart_png": "Chart (PNG)",
    "report.band": "band",
    "report.interval": "95 % interval",
    "shares.create": "Share this view",
    "shares.mode": "Figures",
    "shares.mode.pinned": "These exact figures (fixed dates, pinned to today's data)",
    "shares.mode.live": "Always the latest (the period is resolved when opened)",
    "shares.expires": "Expires",
    "shares.expires.never": "never (at most 400 days)",
    "shares.expires.days": "after {n} days",
    "shares.make": "Make the link",
    "shares.made": "A viewer link, safe to forward. Anyone with it sees this view, nothing else.",
    "shares.none": "No link shared yet.",
    "shares.revoke": "Revoke",
    "shares.revoked": "Revoked",
    "shares.col.created": "Created",
    "shares.col.by": "By",
    "shares.col.view": "View",
    "shares.col.mode": "Figures",
    "shares.col.expires": "Expires",
    "shares.col.status": "Status",
    "shares.status.ok": "active",
    "shares.status.expired": "expired",
    "shares.status.revoked": "revoked",
    "shares.audit": "Every change, who made it and when",
}

for _k, _v in TEXTS.items():
    EN.setdefault(_k, _v)
