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
    "duplicate_statement": "Cette proposition existe déjà : « {text} ». Votez pour elle plutôt "
    "que de la publier à nouveau.",
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
    "wrong_password": "Le mot de passe actuel est incorrect.",
    "passwords_differ": "Les deux mots de passe saisis diffèrent.",
    "reset_requested": ("Si un compte utilise cette adresse, un message vient de lui être envoyé "
                        "avec un lien pour choisir un nouveau mot de passe (valable une heure)."),
    "reset_throttled": "Trop de demandes pour cette adresse : réessayez dans {seconds} secondes.",
    "reset_mail_failed": "Le message n'a pas pu être envoyé : {detail}.",
    "workshop_edited": "Atelier modifié.",
    "workshop_duplicated": ("Copie créée, en préparation : modifiez-la, puis ouvrez-la quand "
                            "vous voulez."),
    "workshop_deleted": "L'atelier « {title} » a été supprimé.",
    "admin_only": "Seul un administrateur peut inviter des animateurs.",
    "unknown_facilitator": "Aucun compte animateur n'a l'adresse « {email} ».",
    "link_invalid": ("Ce lien n'est pas valable : il a expiré, a déjà servi ou a été mal copié. "
                     "Demandez-en un nouveau."),
    "link_used": "Cette invitation a déjà servi : connectez-vous avec son adresse.",
    "too_many_attempts": (
        "Trop de tentatives de connexion. Réessayez dans {seconds} secondes."
    ),
    # The generic contribution store: fields of a payload ({field} is the field's label).
    "field_required": "« {field} » est vide.",
    "field_not_text": "« {field} » doit être un texte.",
    "bad_flag_setting": "Réglage « {name} » : « {value} » n'est ni oui ni non.",
    "control_character": "« {field} » contient un caractère de contrôle invisible ({code}) : "
    "retirez-le.",
    "field_too_long": "« {field} » dépasse {limit} caractères ({length} reçus).",
    "field_not_number": "« {field} » : « {value} » n'est pas un nombre.",
    "field_below_minimum": "« {field} » doit valoir au moins {minimum} ({value} reçu).",
    "field_above_maximum": "« {field} » doit valoir au plus {maximum} ({value} reçu).",
    "field_not_month": (
        "« {field} » : « {value} » n'est pas un mois (AAAA-MM, par exemple 2030-10)."
    ),
    "field_bad_choice": "« {field} » : « {value} » n'est pas un choix possible ({allowed}).",
    "field_too_many_refs": "« {field} » : au plus {limit} éléments liés.",
    "field_bad_ref": "« {field} » : « {value} » n'est pas un numéro de contribution.",
    "field_ref_not_found": (
        "« {field} » : la contribution n° {value} n'existe pas dans cet atelier."
    ),
    "field_ref_wrong_type": "« {field} » : la contribution n° {value} n'est pas du type attendu.",
    "payload_not_object": "Le contenu de la contribution doit être un objet de champs.",
    "unknown_fields": "Champs inconnus pour ce type de contribution : {fields}.",
    "unknown_contribution_type": (
        "Type de contribution inconnu : « {type} ». Types possibles : {allowed}."
    ),
    "workshop_closed_contributions": "L'atelier est clos : il n'accepte plus de contributions.",
    "type_not_for_facilitator": "L'animation ne publie pas de « {type} ».",
    "type_facilitator_only": "Seule l'animation publie des « {type} ».",
    "phase_refuses_type": (
        "L'atelier n'accepte pas de contribution « {type} » en ce moment ({phase})."
    ),
    "contributions_locked": (
        "L'animation a verrouillé les contributions : attendez qu'elle les rouvre."
    ),
    "unknown_table": "Table inconnue dans cet atelier (n° {table}).",
    "not_your_table": "Vous ne pouvez contribuer que pour votre table.",
    "paper_by_facilitator": "Seule l'animation saisit les contributions faites sur papier.",
    "unknown_parent": "La contribution n° {parent} n'existe pas dans cet atelier.",
    "contribution_not_found": "Contribution introuvable dans cet atelier.",
    "not_your_contribution": "Vous ne pouvez modifier que vos propres contributions.",
    "contribution_merged": "Cette contribution a été fusionnée avec une autre.",
    "contribution_not_visible": "Cette contribution est masquée.",
    # Moderation and facilitation.
    "reason_too_long": "Le motif dépasse {limit} caractères ({length} reçus).",
    "merge_needs_duplicates": "Choisissez de 1 à {limit} doublons à fusionner.",
    "merge_other_type": (
        "La contribution n° {id} n'est pas du même type ou du même atelier : fusion impossible."
    ),
    "timer_out_of_range": "La minuterie va de 0 à {limit} minutes.",
    "table_name_too_long": "Un nom de table dépasse {limit} caractères.",
    "no_table_name": "Donnez au moins un nom de table.",
    "too_many_tables": "Au plus {limit} tables par atelier.",
    "participant_not_found": "Participant introuvable dans cet atelier.",
    "unknown_setting": "Réglages inconnus pour ce type d'atelier : {names}.",
    "invalid_setting": "Réglage « {name} » : {detail}",
    "organisation_too_long": "L'organisation dépasse {limit} caractères ({length} reçus).",
    "unknown_role": "Rôle inconnu : « {role} ». Rôles possibles : {allowed}.",
    # Votes and dot voting.
    "type_not_votable": "On ne vote pas pour ou contre ce type de contribution.",
    "invalid_points": "Nombre de points invalide : « {value} » (un entier, 0 ou plus).",
    "points_over_budget": (
        "Vous disposez de {budget} points en tout : il vous en reste {left} à répartir."
    ),
    "phase_refuses_points": "L'atelier ne recueille pas de points en ce moment ({phase}).",
    "type_not_prioritizable": "Ce type de contribution ne reçoit pas de points.",
}

# Construire 2030 (kind ``construire-2030``): actions, commitments, roadmap, starting point.
MESSAGES.update({
    "construire_bad_horizon": (
        "Horizon invalide : « {value} ». Donnez un mois au format AAAA-MM, par exemple 2030-10."
    ),
    "construire_bad_premoderation": "La pré-modération est activée ou non (oui / non).",
    "construire_bad_source": "Atelier de départ invalide : « {value} » n'est pas un identifiant.",
    "construire_end_before_start": "La fin ({end}) précède le début ({start}).",
    "construire_after_horizon": "« {field} » ({value}) dépasse l'horizon de l'atelier ({horizon}).",
    "construire_not_speaker": (
        "Seule une personne qui parle pour « {actor} », ou l'animation, peut engager cet acteur."
    ),
    "construire_dependency_self": "Une action ne dépend pas d'elle-même (« {action} »).",
    "construire_dependency_exists": "Cette dépendance existe déjà : {before} → {after}.",
    "construire_dependency_cycle": (
        "Cycle de dépendances : {cycle}. Retirez l'une de ces dépendances avant d'ajouter celle-ci."
    ),
    "construire_not_construire": "Cet atelier n'est pas un atelier Construire 2030.",
    "construire_not_actor": "La contribution n° {actor} n'est pas un acteur de cet atelier.",
    "construire_source_not_found": "Aucun atelier « {slug} » à reprendre.",
    "construire_source_wrong_kind": (
        "L'atelier « {title} » n'est pas un atelier Imaginer 2030 : on ne peut pas en partir."
    ),
    "construire_source_other_territory": (
        "L'atelier « {title} » porte sur {source}, pas sur {here} : choisissez un atelier "
        "Imaginer 2030 du même territoire."
    ),
    "construire_already_started": (
        "Cet atelier part déjà de l'atelier « {title} » : ses contributions ont été reprises."
    ),
})

# Imaginer 2030 (kind ``imaginer-2030``): settings, dates within the horizon, targets.
MESSAGES.update({
    "imaginer_bad_horizon": (
        "Horizon invalide : « {value} ». Donnez un mois au format AAAA-MM, par exemple 2030-10."
    ),
    "imaginer_horizon_out_of_range": (
        "Horizon : {value} doit être après le mois en cours ({today}) et au plus tard en {limit}."
    ),
    "imaginer_bad_points": (
        "Points par participant : un nombre entier de {minimum} à {maximum} (« {value} » reçu)."
    ),
    "imaginer_bad_premoderation": "La pré-modération est activée ou non (oui / non).",
    "imaginer_headline_year": (
        "« {field} » : un titre du futur est daté de l'année de l'horizon, de janvier {year} "
        "à {horizon} ({value} reçu)."
    ),
    "imaginer_after_horizon": (
        "« {field} » : {value} est après l'horizon de l'atelier ({horizon}). "
        "Choisissez un mois de {today} à {horizon}."
    ),
    "imaginer_before_today": (
        "« {field} » : {value} est déjà passé. Choisissez un mois de {today} à {horizon}."
    ),
    "imaginer_precedes_earlier": (
        "« {field} » : le jalon « {title} » ({value}) vient avant celui-ci ({date}) ; "
        "un jalon ne rend possible que ce qui vient après lui."
    ),
    "imaginer_unknown_indicator": (
        "« {field} » : « {value} » n'est pas un indicateur du catalogue. Choisissez-en un dans "
        "la liste (par exemple « {example} »)."
    ),
})

# The trajectory of a Construire 2030 (issue #11): quantified effects, « what if » switches.
MESSAGES.update({
    "trajectory_action_not_found": "L'action n° {action} n'est pas une action de cet atelier.",
    "trajectory_effect_not_found": "Aucun effet n° {key} pour cette action.",
    "trajectory_not_owner": (
        "Seuls l'animation et la personne qui parle pour le porteur de l'action modifient "
        "ses effets chiffrés."
    ),
    "trajectory_effect_not_object": (
        "Un effet est un objet JSON (par exemple {{\"type\": \"ftth\"}})."
    ),
    "trajectory_bad_effect": "Effet chiffré, champ « {field} » : {detail}",
    "trajectory_too_many_effects": "Une action porte au plus {limit} effets chiffrés.",
    "trajectory_bad_switch": (
        "Choix d'actions invalide : « {value} ». Donnez les numéros des actions à garder."
    ),
})

# Publication of a closed workshop and the open archive (issue #9).
MESSAGES.update({
    "publish_not_closed": (
        "Seul un atelier clos se publie : clôturez d'abord l'atelier (phase actuelle : {phase})."
    ),
    "unknown_licence": (
        "Licence inconnue : « {licence} ». Licences possibles : {allowed}."
    ),
    "workshop_not_published": "Cet atelier n'est pas publié.",
    "workshop_published_no_edit": (
        "Cet atelier est publié : sa page d'archive et ses données ouvertes sont publiques. "
        "Dépubliez-le avant de le modifier."),
    "workshop_published_no_delete": (
        "Cet atelier est publié : on ne supprime pas une archive publique d'un seul geste. "
        "Dépubliez-le d'abord, puis supprimez-le."),
    "search_query_too_long": "La recherche dépasse {limit} caractères ({length} reçus).",
    "search_bad_year": "Année invalide : « {value} ». Indiquez une année sur quatre chiffres.",
    "search_bad_territory": (
        "Territoire inconnu : « {value} ». Indiquez un nom ou un code de commune, "
        "d'EPCI, de département ou de région, par exemple « Finistère » ou « 29232 »."
    ),
    "search_bad_kind": "Type inconnu : « {value} ». Types possibles : {allowed}.",
    "search_ambiguous_territory": (
        "Territoire ambigu : « {value} » désigne plusieurs territoires ({names}). "
        "Précisez le code, par exemple « 29 » ou « 29232 »."
    ),
    "search_bad_page": "Page invalide : « {value} ». Indiquez un nombre de 1 à 500.",
})

from trajectoires.foresight._privacy_messages import PRIVACY_MESSAGES  # noqa: E402

MESSAGES.update(PRIVACY_MESSAGES)
MESSAGES["trajectory_effect_type"] = (
    "Type d'effet inconnu : « {value} ». Types possibles : {allowed}."
)
