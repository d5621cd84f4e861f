"""From study and brief to Documents: channels, copy deck, templates, rendering."""
