"""Contact lists -> segments -> one batch of personalised mails."""
