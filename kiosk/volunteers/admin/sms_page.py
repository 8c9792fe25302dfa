"""The staff's SMS page `/admin/sms`: the modem's (or provider's) state, today's count
against the cap, the day's Web Push figures, and the outbox — what waits, why, and "try
now". Never a message's text or number beyond the waiting ones' kind and occurrence."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for

from kiosk import services
from kiosk.volunteers import auth
from kiosk.volunteers.admin.blueprint import bp


@bp.get("/sms")
@auth.admin_required
def sms():  # type: ignore[no-untyped-def]
    svc = services.get()
    waiting = svc.sms_outbox.open_messages()
    return render_template(
        "volunteers/admin/sms.html",
        transport=current_app.config["SMS_TRANSPORT"],
        state=svc.sms.state() if svc.sms.transport is not None else None,
        push_on=svc.sms.push is not None,
        today=svc.sms_outbox.day(),
        cap=current_app.config["SMS_DAILY_CAP"],
        quiet=current_app.config["SMS_QUIET_HOURS"],
        waiting=waiting[:50],
        waiting_count=len(waiting),
    )


@bp.post("/sms/retry")
@auth.admin_required
def sms_retry():  # type: ignore[no-untyped-def]
    svc = services.get()
    svc.sms_outbox.retry_now()
    svc.sms.wake()
    return redirect(url_for("admin.sms"), code=303)
