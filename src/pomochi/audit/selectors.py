from pomochi.audit.models import AuditHead
from pomochi.communities.models import Community


def audit_head(*, community: Community) -> AuditHead | None:
    return AuditHead.objects.filter(community=community).first()
