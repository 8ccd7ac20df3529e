"""The API's request parsers (DEFAULT_PARSER_CLASSES). A module of its own: DRF imports it
while it builds APIView, so it must not import rest_framework.views (core.api does)."""

from rest_framework import exceptions, parsers

TOO_DEEP = "JSON parse error - nested too deeply."


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a document nested too deeply for the decoder (a RecursionError,
    e.g. 100,000 opening brackets) is a 400 with a message, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None
