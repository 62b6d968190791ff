from flask import current_app

from ..extensions import db
from ..mail import send_email
from .models import Invitation


def send_invitation(invitation_id: int, token: str) -> None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.accepted_at:
        return
    base = current_app.config["PUBLIC_BASE_URL"]
    link = f"{base}/invitations/{token}"
    org = invitation.organization
    send_email(
        invitation.email,
        f"{org.name_ja} への招待 / Invitation to {org.name('en')}",
        f"{org.name_ja} から共創プラットフォームへの招待が届いています。\n"
        f"You are invited to join {org.name('en')} on the co-creation platform.\n\n{link}\n",
    )
