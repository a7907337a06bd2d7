"""natplan: routing."""
