"""bytes → document: decoding, normalisation and splitting text into lines and cell pieces."""

from .decode import decode_bytes
from .document import Block, Document, Piece, blocks_document, text_document
from .normalize import normalize_text

__all__ = ["Block", "Document", "Piece", "blocks_document", "decode_bytes", "normalize_text", "text_document"]
