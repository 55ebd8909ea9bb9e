"""reportlab layouts of the forms, card, agreement, register and ledger."""
