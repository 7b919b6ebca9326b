"""The production static files storage, answering each file's address once per process.

A page names five to seven static files ({% static %}), and the manifest storage worked each
address out anew every time (the hashed name, quoting, splitting the query): about a tenth of
a signed-in page's CPU time (bench.page_profile). The manifest is read when the process starts
and does not change while it runs, so an address once worked out stays right.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:  # a missing file raises, and is not kept
            url = self._urls[name] = super().url(name)
        return url

    def post_process(self, *args, **kwargs):
        # collectstatic writing a new manifest in this process: addresses are worked out again.
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
