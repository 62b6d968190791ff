"""Network environments stored as three booleans, exposed as a list."""

from sqlalchemy import Boolean
from sqlalchemy.orm import Mapped, mapped_column

from .constants import ENVIRONMENTS


class EnvironmentsMixin:
    env_lgwan: Mapped[bool] = mapped_column(Boolean, default=False)
    env_internet: Mapped[bool] = mapped_column(Boolean, default=False)
    env_onprem: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def environments(self) -> list[str]:
        return [e for e in ENVIRONMENTS if getattr(self, f"env_{e}")]

    @environments.setter
    def environments(self, values) -> None:
        values = set(values or ())
        for e in ENVIRONMENTS:
            setattr(self, f"env_{e}", e in values)
