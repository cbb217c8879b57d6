"""What the views ask for, in shop terms: catalog pages, the cart, the sitemap.

Services call the Storefront client and shape its answers for templates; they
never touch `request`, cookies or `g` (the views do).
"""
