"""The data dictionary: what each published column means (French), and its Table Schema type.

Examples
--------
>>> describe("votes", "value")
'Vote : 1 d’accord, -1 pas d’accord, 0 passe.'
>>> field_type([{"payload": {"a": 1}}], "payload"), field_type([], "created_at")
('object', 'datetime')

"""

from __future__ import annotations

from typing import Any

__all__ = ["describe", "field_type"]

_COMMON = {
    "id": "Numéro de la ligne dans cet atelier (1, 2, 3… ; sans lien avec d’autres ateliers).",
    "workshop_id": "Numéro de l’atelier (toujours 1 dans ses données).",
    "participant_id": "Numéro du participant (table participants) ; vide : l’animation.",
    "contribution_id": "Numéro de la contribution (table contributions).",
    "table_id": "Numéro de la table (petit groupe) ; vide : aucune.",
    "parent_id": "Contribution dont celle-ci dépend ; vide : aucune.",
    "event_id": "Numéro de l’événement (table events).",
    "created_at": "Date et heure de création (UTC, ISO 8601).",
    "updated_at": "Date et heure de la dernière modification (UTC, ISO 8601).",
    "text": "Texte (titre de la contribution, ou texte du commentaire).",
    "title": "Titre.",
    "summary": "Résumé.",
    "slug": "Nom stable dans les adresses du site.",
    "territory_kind": "Type de territoire : commune, epci, departement ou region.",
    "territory_code": "Code officiel du territoire (INSEE, SIREN d’EPCI).",
    "territory_name": "Nom du territoire.",
    "starts_at": "Début (UTC, ISO 8601).",
    "ends_at": "Fin (UTC, ISO 8601).",
    "links": "Liens : liste d’objets {label, url}.",
    "kind": "Type.",
}
_BY_TABLE = {
    ("workshop", "question"): "Question posée aux participants.",
    ("workshop", "kind"): "Type d’atelier : debate, imaginer-2030 ou construire-2030.",
    ("workshop", "status"): "Phase de l’atelier à la publication (closed : clos).",
    ("workshop", "example"): "Vrai si le contenu est un exemple de démonstration, simulé.",
    ("workshop", "published_at"): "Date de publication (UTC).",
    ("workshop", "licence"): "Licence des données : etalab-2.0, cc-by-4.0 ou odbl.",
    ("tables", "name"): "Nom de la table.",
    ("participants", "pseudonym"): "Pseudonyme choisi par le participant (jamais son nom, ni "
                                   "son adresse) ; « Participant·e anonyme » s’il a supprimé "
                                   "sa participation.",
    ("participants", "visitor"): "Vrai pour un visiteur venu enrichir l’atelier après sa "
                                 "publication.",
    ("contributions", "type"): "Type de contribution du type d’atelier (statement, headline, "
                               "milestone, factor, target, actor, action…).",
    ("contributions", "payload"): "Champs typés de la contribution (objet JSON) ; les "
                                  "références à d’autres contributions sont leurs numéros.",
    ("contributions", "on_paper"): "Vrai si la contribution a été faite sur papier et saisie "
                                   "pour la table.",
    ("contributions", "after_session"): "Vrai si elle a été ajoutée après l’atelier.",
    ("votes", "value"): "Vote : 1 d’accord, -1 pas d’accord, 0 passe.",
    ("priority_points", "points"): "Points de priorité posés sur la contribution.",
    ("versions", "number"): "Numéro de la version de la contribution (1, 2, 3…).",
    ("versions", "action"): "Ce qui a changé : created, edited, shown, merged, absorbed, "
                            "repointed, copied.",
    ("versions", "payload"): "Champs typés de la contribution après ce changement.",
    ("events", "place"): "Lieu.",
    ("events", "organisers"): "Organisateurs (liste de noms).",
    ("events", "partners"): "Partenaires (liste de noms).",
    ("event_items", "position"): "Rang dans le programme.",
    ("event_items", "kind"): "talk : intervention ; workshop : cet atelier.",
    ("event_items", "speaker"): "Intervenant·e.",
    ("event_items", "organisation"): "Organisation de l’intervenant·e.",
    ("event_items", "workshop_id"): "Atelier de ce créneau (1 : cet atelier) ; vide : "
                                    "une intervention.",
}
_TYPES = {"id": "integer", "number": "integer", "position": "integer", "points": "integer",
          "value": "integer", "example": "boolean", "on_paper": "boolean",
          "after_session": "boolean", "visitor": "boolean"}

_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (dict, "object"),
               (list, "array"), (object, "string"))


def describe(table: str, column: str) -> str:
    """Return the French description of ``column`` of the published ``table``."""
    return _BY_TABLE.get((table, column)) or _COMMON.get(column) or f"Colonne {column}."


def field_type(rows: list[dict[str, Any]], column: str) -> str:
    """Return the Table Schema type of ``column``, read from its values (JSON ones included)."""
    if column in _TYPES or column.endswith("_id"):
        return _TYPES.get(column, "integer")
    if column.endswith("_at"):
        return "datetime"
    for row in rows:
        value = row.get(column)
        if value is not None:
            return next(name for kind, name in _JSON_TYPES if isinstance(value, kind))
    return "object" if column == "payload" else "string"
