"""Stripe — subscriptions export (Dashboard, and API/Sigma snake_case) and invoices export -> payments."""

from __future__ import annotations

from cxkpi.sources._util import epoch_or_dates, fill_from, interval_count_from_name, minor_units
from cxkpi.sources.base import F, Source, register


def _dashboard(fr) -> None:  # noqa: ANN001
    fill_from(fr, "account_id", "Customer ID", "Customer")
    # Ended At is empty on some exports of canceled subscriptions: Canceled At then says when it ended.
    if "status" in fr.out:
        canceled = fr.out["status"].isin(["canceled", "incomplete_expired"])
        h = fr.col("Canceled At (UTC)", "Canceled At")
        if h is not None:
            from cxkpi.sources.base import Field
            from cxkpi.store.schema import subscriptions

            at = fr.parse(h, subscriptions.c.ended_at.type, Field(names=(h,)))
            cur = fr.out.get("ended_at")
            fill = at.where(canceled, None)
            fr.set("ended_at", fill if cur is None else cur.where(cur.notna(), fill), fr.origin.get("ended_at") or h)
    names = None
    for h in ("Plan", "Price", "Product", "Plan Nickname", "Price Nickname"):
        c = fr.col(h)
        if c is not None:
            names = fr.cells(c) if names is None else names + " " + fr.cells(c)
    given = fr.col("Interval Count", "Plan Interval Count", "Price Interval Count")
    if given is not None:
        fill_from(fr, "interval_count", given)
        if names is not None:
            cur = fr.out["interval_count"]
            fr.out["interval_count"] = cur.where(cur.notna(), interval_count_from_name(names))
    elif names is not None:
        fr.set("interval_count", interval_count_from_name(names), "plan name ('every 3 months') else 1")


register(Source(
    name="stripe_subscriptions",
    label="Stripe — subscriptions export (Dashboard)",
    system="stripe",
    table="subscriptions",
    required=(("id", "Subscription ID"), ("Customer ID", "Customer"), ("Interval", "Plan Interval"),
              ("Amount", "Plan Amount"), ("Status",)),
    optional=("Customer Email", "Customer Name", "Plan", "Product", "Quantity", "Currency", "Created",
              "Start Date", "Start", "Current Period Start", "Current Period End", "Canceled At", "Ended At"),
    columns={
        "subscription_id": F("id", "Subscription ID"),
        "account_id": F("account_id (metadata)", "account id (metadata)", "customer_id (metadata)"),
        "email": F("Customer Email"),
        "company": F("Customer Name", "Customer Description"),
        "plan": F("Plan", "Price", "Product"),
        "amount": F("Amount", "Plan Amount"),  # major units in the Dashboard export
        "currency": F("Currency", lower=True),
        "interval": F("Interval", "Plan Interval", lower=True),
        "quantity": F("Quantity"),
        "status": F("Status", lower=True),
        "started_at": F("Start Date", "Start", "Created"),  # '(UTC)' suffix stripped and used as the zone
        "ended_at": F("Ended At"),
        "cancel_reason": F("Cancellation Reason", "Cancellation Details Reason"),
    },
    derive=_dashboard,
    doc="Amount in major units; account id from `account_id (metadata)` else Customer ID; Ended At, else "
        "Canceled At when canceled; interval_count from the plan name ('every 3 months') else 1; trialing "
        "subscriptions are active from their start.",
))


def _api(fr) -> None:  # noqa: ANN001
    minor_units(fr, "amount")
    epoch_or_dates(fr, "started_at", "start_date", "created")
    epoch_or_dates(fr, "ended_at", "ended_at")
    if "ended_at" in fr.out and "status" in fr.out:
        h = fr.col("canceled_at")
        if h is not None:
            cur = fr.out["ended_at"]
            save = dict(fr.out)
            epoch_or_dates(fr, "ended_at", "canceled_at")
            canceled = fr.out["ended_at"].where(save["status"].eq("canceled").to_numpy(), None)
            fr.out["ended_at"] = cur.where(cur.notna(), canceled)
    if "interval_count" not in fr.out:
        fr.set("interval_count", [1] * len(fr.text))


register(Source(
    name="stripe_subscriptions_api",
    label="Stripe — subscriptions (API / Sigma / ETL, snake_case, cents)",
    system="stripe",
    table="subscriptions",
    required=(("id",), ("customer", "customer_id"), ("plan_amount", "plan.amount", "price.unit_amount",
                                                      "unit_amount"),
              ("plan_interval", "plan.interval", "price.recurring.interval", "interval")),
    optional=("status", "quantity", "currency", "start_date", "created", "canceled_at", "ended_at",
              "plan_interval_count"),
    columns={
        "subscription_id": F("id"),
        "account_id": F("metadata.account_id", "metadata_account_id", "account_id", "customer", "customer_id"),
        "email": F("customer_email", "customer.email"),
        "plan": F("plan_id", "plan.id", "price.id", "plan_nickname"),
        "amount": F("plan_amount", "plan.amount", "price.unit_amount", "unit_amount"),  # cents
        "currency": F("currency", "plan_currency", "plan.currency", lower=True),
        "interval": F("plan_interval", "plan.interval", "price.recurring.interval", "interval", lower=True),
        "interval_count": F("plan_interval_count", "plan.interval_count", "price.recurring.interval_count",
                            "interval_count"),
        "quantity": F("quantity"),
        "status": F("status", lower=True),
        "cancel_reason": F("cancellation_details.reason", "cancellation_reason"),
    },
    derive=_api,
    doc="Amounts in cents (zero-decimal currencies such as JPY taken as they are); epoch-second timestamps.",
))


def _paid(fr) -> None:  # noqa: ANN001
    h = fr.col("Status")
    if h is not None:
        unpaid = fr.cells(h).str.casefold() != "paid"
        n = int((unpaid.to_numpy() & fr.keep).sum())
        if n:
            fr.problems.add("warning", f"{n} invoice(s) not paid (draft/open/void/uncollectible) were left out.",
                            column=h)
        fr.drop(unpaid.to_numpy())


def _zero(fr) -> None:  # noqa: ANN001
    if "amount" in fr.out:
        zero = (fr.out["amount"] == 0).to_numpy()
        n = int((zero & fr.keep).sum())
        if n:
            fr.problems.add("warning", f"{n} paid invoice(s) of 0 (trials, credits) were left out: no money "
                            "was received.", column=fr.origin.get("amount"))
        fr.drop(zero)
    fill_from(fr, "account_id", "Customer", "Customer ID")


register(Source(
    name="stripe_invoices",
    label="Stripe — invoices export (paid invoices → payments)",
    system="stripe",
    table="payments",
    required=(("id", "Invoice ID"), ("Amount Paid",), ("Status",), ("Customer", "Customer ID")),
    optional=("Number", "Customer Email", "Customer Name", "Subscription", "Billing Reason", "Currency", "Total",
              "Amount Due", "Date", "Paid"),
    columns={
        "payment_id": F("id", "Invoice ID"),
        "account_id": F("account_id (metadata)", "Customer account_id (metadata)"),
        "email": F("Customer Email"),
        "company": F("Customer Name"),
        "amount": F("Amount Paid"),
        "currency": F("Currency", lower=True),
        "paid_at": F("Paid At", "Date", "Finalized At", "Created"),
        "status": F("Status", lower=True),
    },
    keep_rows=_paid,
    derive=_zero,
    doc="Paid invoices only, Amount Paid in major units, dated by Date (UTC); zero-amount invoices left out.",
))


def _succeeded(fr) -> None:  # noqa: ANN001
    # The default payments export lists every charge attempt: only captured, successful ones are money in.
    h = fr.col("Status")
    if h is not None:
        failed = ~fr.cells(h).str.casefold().isin(["paid", "succeeded", "refunded"])
        n = int((failed.to_numpy() & fr.keep).sum())
        if n:
            fr.problems.add("warning", f"{n} payment(s) that did not succeed (failed/pending) were left out.",
                            column=h)
        fr.drop(failed.to_numpy())


def _net_of_refunds(fr) -> None:  # noqa: ANN001
    # Amount minus Amount Refunded: a fully refunded charge brought no money in.
    h = fr.col("Amount Refunded")
    if h is not None and "amount" in fr.out:
        refunded, _ = fr.numbers(fr.cells(h))
        fr.out["amount"] = fr.out["amount"] - refunded.fillna(0).astype("float64")
        fr.origin["amount"] = f"{fr.origin.get('amount', 'Amount')} − {h}"
    fill_from(fr, "account_id", "Customer ID")


register(Source(
    name="stripe_payments",
    label="Stripe — payments export (default Payments download)",
    system="stripe",
    table="payments",
    required=(("id",), ("Created (UTC)", "Created date (UTC)", "Created"), ("Amount",), ("Amount Refunded",),
              ("Status",)),
    optional=("Currency", "Customer ID", "Customer Email", "Customer Description", "Captured", "Fee",
              "Converted Amount", "Invoice ID", "Seller Message"),
    forbidden=("Amount Paid", "Billing Reason"),
    columns={
        "payment_id": F("id"),
        "account_id": F("account_id (metadata)", "Customer account_id (metadata)"),
        "email": F("Customer Email"),
        "company": F("Customer Description", "Customer Name"),
        "amount": F("Amount"),
        "currency": F("Currency", lower=True),
        "paid_at": F("Created (UTC)", "Created date (UTC)", "Created"),
        "status": F("Status", lower=True),
    },
    keep_rows=_succeeded,
    derive=_net_of_refunds,
    doc="Succeeded (or refunded) charges only; amount = Amount − Amount Refunded, major units; dated by "
        "Created (UTC); account_id from metadata, else Customer ID.",
))


register(Source(
    name="stripe_customers",
    label="Stripe — customers export (default Customers download)",
    system="stripe",
    table="accounts",
    required=(("id",), ("Email",), ("Created (UTC)", "Created"), ("Delinquent", "Total Spend", "Payment Count")),
    optional=("Description", "Name", "Plan", "Status", "Currency", "Total Spend", "Business Vat ID"),
    forbidden=("Amount", "Amount Paid", "Interval"),
    columns={
        "account_id": F("account_id (metadata)", "id"),
        "name": F("Name", "Description"),
        "email": F("Email"),
        "plan": F("Plan"),
        "created_at": F("Created (UTC)", "Created"),
    },
    doc="Customer id (or account_id metadata) = account_id; Name, else Description = name; Created (UTC).",
))
