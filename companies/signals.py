"""Signals other apps answer without companies importing them."""

from django.dispatch import Signal

# Sent inside the transaction that removes a company (kwargs: company). Receivers give back what
# the company held: places at coming events, approvals of stories.
company_deleted = Signal()
