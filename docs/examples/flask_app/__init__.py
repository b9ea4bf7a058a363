"""A small Flask app of our own: the original that ``django_port`` ports."""
