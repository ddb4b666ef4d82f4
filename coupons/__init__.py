"""Discount codes (order, category, free shipping), their redemptions, and the automatic incentives (welcome,
thank-you, we miss you)."""
