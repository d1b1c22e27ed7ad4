"""The Data page's load history: a removed load is restored after a confirmation (AppTest)."""

from __future__ import annotations

from tests.apphelpers import new_app, no_exception, texts
from tests.pagehelpers import bare_store  # noqa: F401
from tests.test_app_data import _counts, _loads, _open, _upload, fixture_file


def test_a_removed_load_is_restored_from_the_history(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    load_id = _loads(bare_store)[0]["load_id"]
    at.selectbox(key="data_remove_pick").set_value(load_id)
    at.button(key="data_remove").click().run()
    at.button(key="data_remove_yes").click().run()
    assert _counts(bare_store)["renewals"] == 0
    at.selectbox(key="data_restore_pick").set_value(load_id)
    at.button(key="data_restore").click().run()
    # asked first: nothing restored yet
    assert f"Restore load #{load_id}?" in texts(at) and _counts(bare_store)["renewals"] == 0
    at.button(key="data_restore_yes").click().run()
    no_exception(at)
    assert f"Load #{load_id} restored (25 rows back)." in texts(at)
    assert _counts(bare_store)["renewals"] == 25  # the file's 25 renewals, back
    history = [d.value for d in at.dataframe if "Recognized as" in d.value.columns][0]
    assert list(history["Status"]) == ["active"]
