"""What the KVI pages share: the KVI looked up from its code, permissions per HTTP method."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from kvis.models import KVI


def kvi_or_404(code: str) -> KVI:
    """The KVI with `code`, its measures prefetched, or 404."""
    return get_object_or_404(KVI.objects.prefetch_related("measures"), code=code)


class PermissionsByMethod:
    """Declares what each HTTP method needs: `permissions_by_method` ({"POST": perm}), else
    `permission_required`. Put it before PermissionRequiredMixin (or ServiceFormView)."""

    permissions_by_method: dict[str, str | tuple[str, ...]] = {}

    def get_permission_required(self):
        needed = self.permissions_by_method.get(self.request.method, self.permission_required)
        return (needed,) if isinstance(needed, str) else tuple(needed)
