"""Catalogue of the French messages of the foresight domain, keyed by error code.

Messages are ``str.format`` templates; the parameters come from the error.
"""

__all__ = ["MESSAGES"]

MESSAGES: dict[str, str] = {
    "invalid_join_code": (
        "Code d'atelier invalide : « {code} ». Un code compte 6 caractères "
        "(lettres et chiffres, sans 0, O, 1 ni I)."
    ),
    "unknown_join_code": "Aucun atelier ouvert ne correspond au code « {code} ».",
    "workshop_not_found": "Atelier introuvable.",
    "workshop_closed": "Cet atelier est clos : il n'accepte plus de participants.",
    "workshop_not_open": ("L'atelier {code} n'est pas encore ouvert : attendez que l'animation "
                          "l'ouvre, puis réessayez."),
    "phase_refuses_statements": "L'atelier n'accepte pas de propositions en ce moment ({phase}).",
    "phase_refuses_votes": "L'atelier n'accepte pas de votes en ce moment ({phase}).",
    "empty_pseudonym": "Le pseudonyme est vide.",
    "pseudonym_too_long": "Le pseudonyme dépasse {limit} caractères ({length} reçus).",
    "duplicate_pseudonym": "Le pseudonyme « {pseudonym} » est déjà pris dans cet atelier.",
    "empty_statement": "La proposition est vide.",
    "statement_too_long": "La proposition dépasse {limit} caractères ({length} reçus).",
    "statement_not_found": "Proposition introuvable dans cet atelier.",
    "statement_hidden": "Cette proposition a été masquée par l'animation : on ne peut plus voter.",
    "own_statement": "On ne vote pas sur sa propre proposition.",
    "invalid_vote": (
        "Vote invalide : « {value} ». Valeurs possibles : 1 (pour), -1 (contre), 0 (passer)."
    ),
    "empty_title": "Le titre est vide.",
    "title_too_long": "Le titre dépasse {limit} caractères ({length} reçus).",
    "empty_question": "La question est vide.",
    "question_too_long": "La question dépasse {limit} caractères ({length} reçus).",
    "unknown_kind": "Type d'atelier inconnu : « {kind} ».",
    "unknown_status": "Phase inconnue : « {status} ». Phases possibles : {allowed}.",
    "territory_error": "Territoire : {detail}",
    "not_owner": "Seul l'animateur de cet atelier peut faire cela.",
    "no_votes_to_export": "Aucun vote pour l'instant : rien à exporter.",
    "not_participant": "Rejoignez l'atelier pour participer.",
    "invalid_email": "Adresse e-mail invalide : « {email} ».",
    "duplicate_email": "Un animateur existe déjà avec l'adresse « {email} ».",
    "empty_name": "Le nom affiché est vide.",
    "weak_password": "Le mot de passe doit compter au moins {limit} caractères.",
    "bad_credentials": "Adresse e-mail ou mot de passe incorrect.",
    "too_many_attempts": (
        "Trop de tentatives de connexion. Réessayez dans {seconds} secondes."
    ),
}
