"""What the compiler refuses, said in the model's terms: the node, the tensor or attribute, the constraint."""
from __future__ import annotations


class CompileError(ValueError):
    """`node '<name>' (<OpType>): <tensor or attribute>: <constraint>`; `node` is None for the model itself."""

    def __init__(self, node, what: str, constraint: str):
        where = "model" if node is None else f"node '{node.name or '(unnamed)'}' ({node.op_type})"
        super().__init__(f"{where}: {what}: {constraint}")
        self.node = None if node is None else (node.name, node.op_type)
        self.what, self.constraint = what, constraint
