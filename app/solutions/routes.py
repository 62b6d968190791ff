"""Solution pages (placeholder list/detail; the full flow is built on top)."""
from flask import Blueprint, render_template
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..policies import authorize
from .models import Solution

bp = Blueprint("solutions", __name__, template_folder="templates")


@bp.route("/solutions")
def index():
    items = db.session.scalars(select(Solution).where(Solution.status == "published")
                               .order_by(Solution.id.desc()).limit(50)).all()
    return render_template("solutions/index.html", items=items)


@bp.route("/solutions/<int:solution_id>")
def detail(solution_id):
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        raise NotFound()
    authorize("solution.view", solution)
    return render_template("solutions/detail.html", solution=solution)
