"""natplan: models."""
