from . import feed_entry
