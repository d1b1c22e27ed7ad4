"""Shared links (editors): every link with who made it, when, what view and how it shows figures; revoke one
with a click (it stops at the viewer's next click). Below, the audit trail: every write, who and when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import cxkpi.access.texts  # noqa: F401  (English texts)
from cxkpi import formatting as fmt
from cxkpi.access import audit
from cxkpi.access import shares as sh
from cxkpi.i18n import t
from pages import common


def describe(share: sh.Share) -> str:
    q = share.query
    if q.get("period") == "custom":
        text = f"{q.get('from')} – {q.get('to')}"
    else:
        text = t(f"period.{q.get('period', 'last_month')}")
    extra = [f"{k}={v}" for k, v in q.items() if k in ("segment", "region", "plan", "channel")]
    return ", ".join([text, *extra])


with common.page("shares", controls=False):
    eng = common.engine()
    links = sh.list_shares(eng)
    if not links:
        st.info(t("shares.none"), icon=":material/link_off:")
    for share in links:
        status = sh.share_status(share)
        with st.container(border=True, key=f"share_{share.share_id}"):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(
                f"**{describe(share)}** · {t('shares.mode.' + share.mode)}  \n"
                f"{t('shares.col.by')}: {share.created_by} · {t('shares.col.created')}: "
                f"{common.shown_time(share.created_at)} · {t('shares.col.expires')}: "
                f"{common.shown_time(share.expires_at) if share.expires_at else t('shares.expires.never')}"
                f" · {t('shares.col.status')}: {t('shares.status.' + status)}"
            )
            if status == "ok" and c2.button(
                t("shares.revoke"), key=f"revoke_{share.share_id}", icon=":material/block:"
            ):
                sh.revoke_share(eng, share.share_id)
                st.rerun()
    st.subheader(t("shares.audit"))
    entries = audit.list_entries(eng)
    if entries:
        st.dataframe(pd.DataFrame(entries).drop(columns=["entry_id"]), hide_index=True, width="stretch")
    else:
        st.caption(fmt.DASH)
