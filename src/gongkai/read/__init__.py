"""bytes → document: decoding, normalisation and splitting text into lines and cell pieces."""

from .decode import decode_bytes
from .document import Document, Piece, text_document
from .normalize import normalize_text

__all__ = ["Document", "Piece", "decode_bytes", "normalize_text", "text_document"]
