"""pricing: which codes apply and what they take off; redemption: their uses, in the order's transaction;
incentives: the coupons the shop sends on its own."""
