"""The QDQ form, rewritten into QOperator nodes (placeholder: a QOperator model passes through unchanged)."""
from __future__ import annotations


def to_qoperator(model):
    return model
