"""The inbox: messages parents leave while the advice line is closed or busy.

Two ways in, both open to the world and so both guarded: the public contact form
(public_views.contact_form: CSRF, a honeypot, a rate limit per client address) and
the telephony provider's voicemail webhook (public_views.voicemail: a bearer token per
provider). Both land in InboxMessage (intake/models.py); advisors work through it on
the inbox page (views.py), where one step turns a message into a call on a case and a
call-back. A beat task escalates what nobody picked up in time (tasks.py).
"""
