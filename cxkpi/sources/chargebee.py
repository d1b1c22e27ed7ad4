"""Chargebee — subscriptions export (object-prefixed headers: subscription.id, customer.email …)."""

from __future__ import annotations

from cxkpi.sources._util import epoch_or_dates, minor_units
from cxkpi.sources.base import F, Source, register

# Chargebee statuses: future / in_trial / active / non_renewing / paused / cancelled.


def _derive(fr) -> None:  # noqa: ANN001
    minor_units(fr, "amount")
    epoch_or_dates(fr, "started_at", "subscription.started_at", "subscription.activated_at",
                   "subscription.created_at")
    epoch_or_dates(fr, "ended_at", "subscription.cancelled_at")
    if "interval_count" not in fr.out:
        fr.set("interval_count", [1] * len(fr.text))


register(Source(
    name="chargebee_subscriptions",
    label="Chargebee — subscriptions export",
    system="chargebee",
    table="subscriptions",
    required=(("subscription.id",), ("subscription.status",),
              ("subscription.plan_amount", "subscription.plan_unit_price", "subscription.mrr")),
    optional=("subscription.billing_period", "subscription.billing_period_unit", "customer.email",
              "subscription.customer_id", "subscription.plan_quantity", "subscription.currency_code"),
    columns={
        "subscription_id": F("subscription.id"),
        "account_id": F("subscription.customer_id", "customer.id"),
        "email": F("customer.email"),
        "company": F("customer.company"),
        "plan": F("subscription.plan_id", "subscription.item_price_id"),
        "amount": F("subscription.plan_amount", "subscription.plan_unit_price"),  # smallest currency unit
        "currency": F("subscription.currency_code", lower=True),
        "interval": F("subscription.billing_period_unit", lower=True),
        "interval_count": F("subscription.billing_period"),
        "quantity": F("subscription.plan_quantity"),
        "status": F("subscription.status", lower=True),
        "cancel_reason": F("subscription.cancel_reason", "subscription.cancel_reason_code"),
    },
    derive=_derive,
    doc="Shape inferred (not verified on a real file): amounts in the smallest unit, billing_period × "
        "billing_period_unit, cancelled_at → ended_at; dates ISO or epoch seconds.",
))
