"""Travel advisories: import formats and adapters (ours, US State Department, UK FCDO).

Each adapter turns a feed's bytes into `AdvisoryRecord`s (pure: no database, no Flask), or refuses
the whole feed with a `FeedError` naming what is wrong. `feeds.read_source` fetches a file or URL
and `feeds.parse` picks the adapter (given, or detected from the content).
"""
