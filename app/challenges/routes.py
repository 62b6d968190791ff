"""Challenge pages (placeholder list/detail; the full flow is built on top)."""
from flask import Blueprint, render_template
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..policies import authorize
from .models import Challenge

bp = Blueprint("challenges", __name__, template_folder="templates")


@bp.route("/challenges")
def index():
    items = db.session.scalars(select(Challenge).where(Challenge.status == "published",
                                                       Challenge.visibility == "public")
                               .order_by(Challenge.id.desc()).limit(50)).all()
    return render_template("challenges/index.html", items=items)


@bp.route("/challenges/<int:challenge_id>")
def detail(challenge_id):
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound()
    authorize("challenge.view", challenge)
    return render_template("challenges/detail.html", challenge=challenge)
