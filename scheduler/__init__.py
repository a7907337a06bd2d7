"""natplan: scheduler."""
