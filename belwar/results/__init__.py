"""The results layer: frozen result records (``run``, ``comparison``, ``sweep``,
``sensitivity``), their versioned JSON (``jsonio``, read back by ``saved``), and the one display
mixin (``display``) through which they reach the renderers."""
