"""REST: /api/v1/solutions — search, create, read, edit, publish, archive."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api import Blueprint, paged
from ..db import commit, get_or_404
from ..policies import authorize
from . import queries, services
from .models import Solution
from .schemas import SolutionActionSchema, SolutionInputSchema, SolutionPatchSchema, SolutionQuerySchema, SolutionSchema

blp = Blueprint("solutions_api", __name__, url_prefix="/api/v1", description="Solutions offered by startups")


@blp.route("/solutions")
class Solutions(MethodView):
    @blp.arguments(SolutionQuerySchema, location="query")
    @blp.response(200, paged(SolutionSchema))
    def get(self, args):
        """Search published solutions (q matches title, summary, features and tags).

        With `q`, `meta.total` counts at most 200 matches (refine the query to see the rest)."""
        user = current_user if current_user.is_authenticated else None
        page = queries.paginate_search(queries.search(args, user), args, args["page"], args["per_page"])
        return {"items": page.items, "meta": page.meta}

    @blp.arguments(SolutionInputSchema)
    @blp.response(201, SolutionSchema)
    def post(self, data):
        """Create a draft solution profile for your startup."""
        authorize("solution.create")
        solution = services.create(current_user, data)
        commit()
        return solution


@blp.route("/solutions/<int:solution_id>")
class SolutionItem(MethodView):
    @blp.response(200, SolutionSchema)
    def get(self, solution_id):
        solution = get_or_404(Solution, solution_id)
        authorize("solution.view", solution)
        return solution

    @blp.arguments(SolutionPatchSchema(partial=True))
    @blp.response(200, SolutionSchema)
    def patch(self, data, solution_id):
        solution = get_or_404(Solution, solution_id)
        authorize("solution.edit", solution)
        services.update(solution, data)
        commit()
        return solution


def _lifecycle(action: str):
    def view(_data, solution_id):
        solution = get_or_404(Solution, solution_id)
        authorize("solution.edit", solution)
        services.transition(solution, action)
        commit()
        return solution

    view.__name__ = f"solution_{action}"
    view.__doc__ = {"publish": "Publish (searchable by everyone).", "archive": "Archive (hidden from search)."}[action]
    blp.route(f"/solutions/<int:solution_id>/{action}", methods=["POST"])(
        blp.arguments(SolutionActionSchema, required=False)(blp.response(200, SolutionSchema)(view))
    )


for _action in services.TRANSITIONS:
    _lifecycle(_action)
