"""French titles of the API's operations (the OpenAPI ``summary`` shown by /api/docs).

FastAPI titles an operation after its Python function (« Create Vote »); users of the API
read French, so every operation gets its title here, by method and path, unless its route
sets ``summary=`` itself. :func:`trajectoires.web.openapi.install` applies them, and
``tests/web/test_api_titles.py`` fails on an operation left with the generated English
title — a new route adds its line here.
"""

from __future__ import annotations

__all__ = ["TITLES"]

W = "/api/v1/workshops/{slug}"

TITLES: dict[str, str] = {
    f"GET {W}": "Un atelier",
    f"GET {W}/statements": "Propositions d'un débat",
    f"POST {W}/statements": "Publier une proposition",
    f"POST {W}/statements/{{statement_id}}/vote": "Voter sur une proposition",
    "GET /api/v1/workshop-kinds": "Types d'atelier",
    f"GET {W}/contributions": "Contributions d'un atelier",
    f"POST {W}/contributions": "Publier une contribution",
    f"GET {W}/contributions/{{contribution_id}}": "Une contribution",
    f"PATCH {W}/contributions/{{contribution_id}}": "Modifier une contribution",
    f"POST {W}/contributions/{{contribution_id}}/visibility":
        "Masquer ou afficher une contribution",
    f"POST {W}/contributions/{{contribution_id}}/merge": "Fusionner des doublons",
    f"PUT {W}/contributions/{{contribution_id}}/points": "Donner des points à une contribution",
    f"GET {W}/contributions/{{contribution_id}}/versions": "Versions d'une contribution",
    f"GET {W}/state": "État de la séance (verrou, minuteur, tables)",
    f"GET {W}/ranking": "Classement par points",
    f"POST {W}/phase": "Changer de phase",
    f"POST {W}/lock": "Verrouiller ou déverrouiller les contributions",
    f"POST {W}/timer": "Démarrer ou arrêter le minuteur",
    f"POST {W}/tables": "Créer des tables",
    f"POST {W}/tables/seat": "Placer un participant à une table",
    f"POST {W}/my-table": "Choisir sa table",
    f"PATCH {W}/settings": "Changer les options de l'atelier",
    f"PUT {W}/publication": "Publier l'atelier",
    f"DELETE {W}/publication": "Dépublier l'atelier",
    f"GET {W}/roadmap": "Feuille de route (Construire 2030)",
    f"POST {W}/speakers": "Désigner le porte-parole d'un acteur",
    f"POST {W}/start-from": "Partir d'un atelier Imaginer 2030",
    f"GET {W}/trajectory": "Trajectoire projetée jusqu'à l'horizon",
    f"POST {W}/trajectory/switches": "Activer ou retirer des actions (« et si… ? »)",
    f"POST {W}/actions/{{action_id}}/effects": "Ajouter un effet chiffré à une action",
    f"PUT {W}/actions/{{action_id}}/effects/{{key}}": "Modifier un effet chiffré",
    f"DELETE {W}/actions/{{action_id}}/effects/{{key}}": "Retirer un effet chiffré",
    f"GET {W}/opinions": "Groupes d'opinion et consensus",
    f"GET {W}/timeline": "Frise à rebours (Imaginer 2030)",
    "GET /api/v1/events": "Événements",
    "GET /api/v1/events/{slug}": "Un événement et son programme",
    "GET /api/v1/search": "Rechercher dans les ateliers publiés",
    "GET /api/v1/archives": "Ateliers publiés",
    "GET /api/v1/archives/{slug}": "Un atelier publié",
    "GET /api/v1/archives/{slug}/data": "Données ouvertes d'un atelier publié",
}
