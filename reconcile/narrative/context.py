"""What every section builder needs: the model, the rows in doubt, the configuration."""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.narrative.figures import Doubts


@dataclass(frozen=True)
class Context:
    model: WorkbookModel
    doubts: Doubts
    config: Config

    @property
    def year(self) -> str:
        return str(self.model.year) if self.model.year is not None else "本"

    @property
    def prev_year(self) -> str:
        return str(self.model.year - 1) if self.model.year is not None else "上"

    def unit(self, sheet_key: str) -> str:
        table = self.model.tables.get(sheet_key)
        return table.unit if table is not None else self.model.amount_unit

    def sheet(self, sheet_key: str) -> str | None:
        table = self.model.tables.get(sheet_key)
        return table.sheet if table is not None else None

    def field_in_doubt(self, *keys: str) -> bool:
        """A 基本情况 field's row carries an error-level finding."""
        from reconcile.cells import split_ref

        for key in keys:
            cell = self.model.basic.fields.get(key)
            if cell is not None and cell.ref and self.doubts.row(cell.sheet, split_ref(cell.ref)[0]):
                return True
        return False
