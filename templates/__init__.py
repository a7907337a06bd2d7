"""natplan: templates."""
