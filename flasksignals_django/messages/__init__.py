"""Message storages that send ``message_flashed``, and Flask's ``flash()``."""
