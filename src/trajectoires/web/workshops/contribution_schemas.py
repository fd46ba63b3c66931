"""Pydantic models of every contribution type, generated from the kinds' manifests.

For the OpenAPI schema and for clients only: one payload model per (kind, type), named
after both (``Imaginer2030HeadlinePayload``), and one body of ``POST contributions``
per (kind, type) (``Imaginer2030HeadlinePost``, its ``type`` a constant). The store
still validates payloads itself, with its French messages: these models never refuse
a request. :func:`install_openapi` documents the body of ``POST contributions`` as,
per kind, a union over ``type`` with a discriminator.

Examples
--------
>>> model_name("imaginer-2030", "headline", "Payload")
'Imaginer2030HeadlinePayload'
>>> from trajectoires.foresight.kinds import get_kind
>>> sorted(payload_model(get_kind("imaginer-2030"), "headline").model_fields)
['date', 'story', 'title']

"""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField
from pydantic.json_schema import models_json_schema

from trajectoires.foresight.kinds import Field, WorkshopKind, kinds

__all__ = ["install_openapi", "model_name", "payload_model", "post_models"]

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
CONTRIBUTIONS_PATH = "/api/v1/workshops/{slug}/contributions"


def model_name(kind_key: str, type_key: str, suffix: str) -> str:
    """Return the model name of a type of a kind: its words capitalised and joined."""
    words = re.split(r"[^0-9A-Za-z]+", f"{kind_key} {type_key}")
    return "".join(w[:1].upper() + w[1:] for w in words if w) + suffix


def _annotation(spec: Field) -> Any:  # noqa: ANN401 (a type expression)
    values = tuple(value for value, _label in spec.choices)
    single = {
        "integer": int, "number": float, "ref": int,
        "choice": Literal[values] if values else str,  # type: ignore[valid-type]
    }.get(spec.kind, str)
    if spec.kind == "choices":
        return list[Literal[values]] if values else list[str]  # type: ignore[valid-type]
    if spec.kind == "refs":
        return list[int]
    return single


def _field_info(spec: Field) -> Any:  # noqa: ANN401 (a pydantic FieldInfo)
    constraints: dict[str, Any] = {}
    if spec.kind in ("text", "longtext"):
        constraints["max_length"] = spec.max_length
    if spec.kind == "month":
        constraints["pattern"] = MONTH_PATTERN
    if spec.minimum is not None:
        constraints["ge"] = spec.minimum
    if spec.maximum is not None:
        constraints["le"] = spec.maximum
    description = spec.label + (f" — {spec.help}" if spec.help else "")
    if spec.ref_types:
        description += f" (id de : {', '.join(spec.ref_types)})"
    default = ... if spec.required else None
    return PydanticField(default, title=spec.label, description=description, **constraints)


def payload_model(kind: WorkshopKind, type_key: str) -> type[BaseModel]:
    """Return the payload model of the type ``type_key`` of ``kind`` (computed fields left out)."""
    ctype = kind.contribution_type(type_key)
    fields = {}
    for spec in ctype.fields:
        if spec.computed:
            continue
        annotation = _annotation(spec)
        fields[spec.name] = (annotation if spec.required else annotation | None, _field_info(spec))
    doc = f"{ctype.label} ({kind.label}) : le ``payload`` d'une contribution de type {type_key}."
    return create_model(model_name(kind.key, type_key, "Payload"), __doc__=doc,
                        __config__=ConfigDict(extra="forbid"), **fields)


def post_models(kind: WorkshopKind) -> tuple[type[BaseModel], ...]:
    """Return the ``POST contributions`` body of each type of ``kind``."""
    models = []
    for ctype in kind.contribution_types:
        doc = f"Publier : {ctype.label} ({kind.label})."
        models.append(create_model(
            model_name(kind.key, ctype.key, "Post"), __doc__=doc,
            __config__=ConfigDict(extra="forbid"),
            type=(Literal[ctype.key], PydanticField(description="Type de contribution")),
            payload=(payload_model(kind, ctype.key), ...),
            table_id=(int | None, PydanticField(None, description="Table (sinon celle du "
                                                "participant)")),
            parent_id=(int | None, PydanticField(None, description="Contribution parente")),
            on_paper=(bool, PydanticField(False, description="Saisie par l'animation de ce "
                                          "qu'une table a écrit sur papier")),
        ))
    return tuple(models)


def _body_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the body schema of ``POST contributions`` and the component schemas it names."""
    per_kind = [(kind, post_models(kind)) for kind in kinds()]
    every = [(model, "validation") for _kind, models in per_kind for model in models]
    _keys, schema = models_json_schema(every, ref_template="#/components/schemas/{model}")
    unions = []
    for kind, models in per_kind:
        refs = {m.model_fields["type"].annotation.__args__[0]:
                f"#/components/schemas/{m.__name__}" for m in models}
        unions.append({
            "title": f"{kind.label} ({kind.key})",
            "oneOf": [{"$ref": ref} for ref in refs.values()],
            "discriminator": {"propertyName": "type", "mapping": refs},
        })
    body = {"description": "Selon le type de l'atelier (un type par contribution ; le "
                           "serveur valide le ``payload`` et répond en français)",
            "anyOf": unions}
    return body, schema.get("$defs", {})


def install_openapi(app: FastAPI) -> None:
    """Document the body of ``POST contributions`` with the generated models, once per app."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        body, components = _body_schema()
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        operation = schema["paths"].get(CONTRIBUTIONS_PATH, {}).get("post")
        if operation is not None:
            content = operation["requestBody"]["content"]["application/json"]
            content["schema"] = body
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
