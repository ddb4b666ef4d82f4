"""Cross-sell: products bought together (computed nightly from paid orders), cart suggestions and "for you"."""
