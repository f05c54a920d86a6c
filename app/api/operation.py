"""One declaration per API operation: its request models, its answers, its statuses.

``@operation(...)`` sits under a Flask route decorator. It validates the path parameters,
the query string and a JSON body against the declared models before the view runs, refuses a body
whose Content-Type is not one of the declared media types (415), and records the
declaration on the view, where ``openapi.py`` reads it to write the document. So the
route table, the validation and the document come from one place.

While testing (``OWNERGRAPH_CHECK_ANSWERS``, on by default under ``TESTING``) every
answer is checked against its declared model as JSON on the wire; a mismatch is a
500 naming the field, so the suite cannot pass while the document is wrong.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import UnsupportedMediaType

from graph_model.errors import Problem, ValidationFailed
from graph_model.ingest import decode
from graph_model.ingest.parse import format_loc

from .models import Error, Problems, Refusal

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml",)
# accepted as well, not advertised: the other names YAML goes by
_ALIASES = {"application/x-yaml": "application/yaml", "text/yaml": "application/yaml",
            "text/x-yaml": "application/yaml"}


@dataclass(frozen=True)
class Operation:
    """What one view accepts and answers (statuses map to (description, model))."""

    summary: str
    answer: type[BaseModel]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_types: tuple[str, ...] = ()
    responses: dict[int, tuple[str, type[BaseModel]]] = field(default_factory=dict)
    description: str | None = None
    store: bool = True
    public: bool = False
    path: type[BaseModel] | None = None
    status: int = 200
    body_required: bool = True
    parse_body: bool = True

    def all_responses(self) -> dict[int, tuple[str, type[BaseModel]]]:
        out = {self.status: (" ".join((self.answer.__doc__ or "the answer").split()), self.answer)}
        if self.query is not None or self.body is not None or self.path is not None:
            out[400] = ("a parameter or the body breaks a rule of this document; every problem named",
                        Problems)
        if not self.public:
            out[401] = ("no valid credential: send a dashboard session or `Authorization: Bearer "
                        "<token>` (missing, wrong, expired and revoked tokens; see WWW-Authenticate)",
                        Error)
        if self.body is not None:
            out[403] = ("the caller's rights or the token's scope do not allow this change; "
                        "every refused path named", Refusal)
            out[413] = ("the body is larger than the server accepts", Error)
            out[415] = (f"the body's Content-Type is not {' or '.join(self.body_types)}", Error)
        if self.store:
            out[503] = ("the graph store is unreachable", Error)
        out.update(self.responses)
        return dict(sorted(out.items()))


def problems_of(error: ValidationError, root: str) -> list[Problem]:
    """Pydantic errors as problems located by parameter name or body path."""
    out = []
    for err in error.errors():
        path = format_loc(err["loc"]) or root
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required"
        elif err["type"] != "value_error" and "input" in err and isinstance(err["input"], str):
            message = f"{message} (got {err['input'][:100]!r})"
        out.append(Problem(path, message))
    return out


def _query(model: type[BaseModel]) -> BaseModel:
    raw = {name: request.args.get(name) for name in model.model_fields if name in request.args}
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        raise ValidationFailed(problems_of(e, "query")) from None


def _path(model: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    """The URL's parameters (Flask matched them as text) against the path model, so an id
    with a control character is refused here, before it reaches the engine."""
    try:
        return model.model_validate(values)
    except ValidationError as e:
        raise ValidationFailed(problems_of(e, "path")) from None


def _check_media_type(spec: Operation) -> None:
    mimetype = _ALIASES.get(request.mimetype, request.mimetype)
    if mimetype not in spec.body_types:
        got = request.mimetype or "none"
        raise UnsupportedMediaType(f"send the body as {' or '.join(spec.body_types)} (Content-Type was {got})")


def _json_body(model: type[BaseModel]) -> BaseModel:
    """The body through the bounded JSON reader (a body nested past its depth limit is a
    400 with a path, never a RecursionError)."""
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([Problem("body", "is not UTF-8 text")]) from None
    data = decode.json_value(text, "body") if text.strip() else None
    if data is None:
        raise ValidationFailed([Problem("body", "must be a JSON object (empty or malformed JSON was sent)")])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(problems_of(e, "body")) from None


def check_answer(spec: Operation, status: int, body: Any) -> None:
    """Raise when ``body`` (as JSON) does not match the model declared for ``status``."""
    declared = spec.all_responses().get(status)
    if declared is None:
        raise RuntimeError(f"{request.method} {request.path} answered {status}, which it does not declare")
    try:
        declared[1].model_validate_json(current_app.json.dumps(body), strict=True)
    except ValidationError as e:
        raise RuntimeError(f"{request.method} {request.path} answer {status} does not match "
                           f"{declared[1].__name__}: {e}") from None


def _no_body() -> bool:
    return not request.get_data(cache=True).strip()


def operation(summary: str, *, answer: type[BaseModel], query: type[BaseModel] | None = None,
              body: type[BaseModel] | None = None, body_types: tuple[str, ...] = JSON_TYPES,
              responses: dict[int, tuple[str, type[BaseModel]] | str] | None = None,
              description: str | None = None, store: bool = True, public: bool = False,
              path: type[BaseModel] | None = None, status: int = 200, body_required: bool = True,
              parse_body: bool = True) -> Callable:
    """Declare a view's request models and answers (see the module docstring).

    The view gets ``args`` (the validated query model) and ``body`` (the validated JSON
    body) when its signature names them, and each path parameter by its name, validated
    by ``path`` (a model with one field per ``<name>`` of the route; the document requires
    them to agree). It returns a dict (``status``, 200 unless said) or ``(dict, status)``.
    ``responses`` adds statuses: a bare description means an ``Error`` body. ``store``:
    the view reads the graph store, so it may answer 503. ``public``: no credential needed
    (the access guard's ``PUBLIC_ENDPOINTS`` must name the view too; a test checks both agree).
    ``body_required=False``: a request without a body gets the body model's defaults.
    ``parse_body=False``: the view reads the body itself (a gzip layer, its own bounded
    reader); the model then only documents it, and the media type is still checked.
    """
    extra = {code: (v, Error) if isinstance(v, str) else v for code, v in (responses or {}).items()}
    spec = Operation(summary, answer, query, body, body_types if body is not None else (), extra, description, store,
                     public, path, status, body_required, parse_body)
    parses_json = parse_body and body is not None and set(body_types) <= set(JSON_TYPES)

    def wrap(view: Callable) -> Callable:
        wants = inspect.signature(view).parameters

        @functools.wraps(view)
        def run(**kwargs: Any):
            if path is not None:
                kwargs.update(_path(path, kwargs).model_dump())
            if query is not None:
                parsed = _query(query)
                if "args" in wants:
                    kwargs["args"] = parsed
            if body is not None and not body_required and _no_body():
                if "body" in wants:
                    kwargs["body"] = body()
            elif body is not None:
                _check_media_type(spec)
                if parses_json:
                    parsed = _json_body(body)
                    if "body" in wants:
                        kwargs["body"] = parsed
            result = view(**kwargs)
            checking = current_app.config.get("OWNERGRAPH_CHECK_ANSWERS", current_app.testing)
            if isinstance(result, Response):
                if checking and result.is_json:
                    check_answer(spec, result.status_code, result.get_json())
                return result
            data, code = result if isinstance(result, tuple) else (result, status)
            if checking:
                check_answer(spec, code, data)
            return jsonify(data), code

        run.api_operation = spec
        return run

    return wrap
