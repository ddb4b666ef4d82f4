"""Newsletters to consenting CRM segments (batched through the outbox, one-click unsubscribe) and the double
opt-in sign-up."""
