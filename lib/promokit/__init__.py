"""promokit: campaign folders to promo videos, infographics and e-publications."""

__version__ = "0.1.0"
