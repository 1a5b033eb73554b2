"""Where a checkout keeps its content and templates."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a checkout keeps its content and templates."""

    root: Path

    @property
    def content(self):
        return self.root / "content"

    @property
    def templates(self):
        return self.root / "templates"

    @property
    def briefs_dir(self):
        return self.content / "briefs"

    def brief_dir(self, brief_id):
        return self.briefs_dir / brief_id

    def section_path(self, brief_id, ref, lang):
        folder = self.content / "sections" if ref.shared else self.brief_dir(brief_id)
        return folder / f"{ref.stem}.{lang}.md"
