"""The Django port of ``flask_app``: add ``"django_port"`` to ``INSTALLED_APPS``.

``apps.ShopConfig.ready()`` wires ``audit`` (unchanged but for its import) and
the error handlers onto ``current_app``; ``urls`` holds the routes.
"""
